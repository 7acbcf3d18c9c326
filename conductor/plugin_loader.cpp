#include "conductor/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "common/log.h"
#include "common/strings.h"
#include "interfaces/plugin.h"

namespace ingot::conductor {
namespace {

PluginLoadResult load_one(interfaces::Registry& registry, const std::string& path) {
    PluginLoadResult result{path, false, ""};
    // RTLD_LOCAL: plugins do not see each other's symbols; they use Ingot's
    // from the executable, which exports them.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* err = dlerror();
        result.error = std::string("cannot load: ") + (err ? err : "unknown error");
        return result;
    }
    auto abi = reinterpret_cast<ingot_plugin_abi_version_fn>(dlsym(handle, INGOT_PLUGIN_ABI_SYMBOL));
    auto reg = reinterpret_cast<ingot_plugin_register_fn>(dlsym(handle, INGOT_PLUGIN_REGISTER_SYMBOL));
    if (!abi || !reg) {
        result.error = std::string("missing entry point ") +
                       (!abi ? INGOT_PLUGIN_ABI_SYMBOL : INGOT_PLUGIN_REGISTER_SYMBOL) +
                       " (build it with INGOT_PLUGIN(...) from interfaces/plugin.h)";
        dlclose(handle);
        return result;
    }
    int version = abi();
    if (version != INGOT_PLUGIN_ABI_VERSION) {
        result.error = "built for plugin ABI " + std::to_string(version) + ", this conductor has ABI " +
                       std::to_string(INGOT_PLUGIN_ABI_VERSION) + "; rebuild it against this Ingot's headers";
        dlclose(handle);
        return result;
    }
    // Register into a staging registry first so that a plugin that fails
    // half-way leaves nothing behind.
    interfaces::Registry staged;
    staged.set_origin(path);
    try {
        reg(&staged);
        registry.merge(std::move(staged));
    } catch (const std::exception& e) {
        result.error = std::string("failed to register: ") + e.what();
        // The library stays loaded: its code may still be referenced by
        // objects destroyed later (staged entries hold its factories).
        return result;
    } catch (...) {
        result.error = "failed to register: unknown exception";
        return result;
    }
    result.loaded = true;
    return result;
}

}  // namespace

std::vector<std::string> plugin_directories(const std::vector<std::string>& configured) {
    std::vector<std::string> dirs = configured;
    if (dirs.empty()) {
        // <prefix>/bin/ingot-conductor -> <prefix>/lib/ingot/plugins
        std::error_code ec;
        auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
        if (!ec) dirs.push_back((exe.parent_path().parent_path() / INGOT_PLUGIN_RELATIVE_DIR).string());
    }
    if (const char* env = std::getenv("INGOT_PLUGIN_PATH")) {
        for (const auto& d : split(env, ':'))
            if (!d.empty()) dirs.push_back(d);
    }
    return dirs;
}

std::vector<PluginLoadResult> load_plugins(interfaces::Registry& registry, const std::vector<std::string>& dirs) {
    std::vector<PluginLoadResult> results;
    for (const auto& dir : dirs) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) {
            log::debug("plugin.dir_missing", {{"dir", dir}});
            continue;
        }
        std::vector<std::string> files;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
            if (entry.path().extension() == ".so") files.push_back(entry.path().string());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            auto r = load_one(registry, file);
            if (r.loaded)
                log::info("plugin.loaded", {{"file", file}});
            else
                log::error("plugin.skipped", {{"file", file}, {"reason", r.error}});
            results.push_back(std::move(r));
        }
    }
    return results;
}

}  // namespace ingot::conductor
