#include "common/plugin_library.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/log.h"
#include "common/strings.h"

namespace ingot {

PluginLibrary open_plugin_library(const std::string& path, const PluginEntryPoints& entry) {
    PluginLibrary result;
    // RTLD_LOCAL: plugins do not see each other's symbols; they use Ingot's
    // from the executable, which exports them.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* err = dlerror();
        result.error = std::string("cannot load: ") + (err ? err : "unknown error");
        return result;
    }
    using AbiFunction = int (*)(void);
    auto abi = reinterpret_cast<AbiFunction>(dlsym(handle, entry.abi_symbol));
    void* reg = dlsym(handle, entry.register_symbol);
    if (!abi || !reg) {
        result.error = std::string("missing entry point ") + (!abi ? entry.abi_symbol : entry.register_symbol) +
                       " (build it with " + entry.macro + ")";
        dlclose(handle);
        return result;
    }
    int version = abi();
    if (version != entry.abi_version) {
        result.error = "built for plugin ABI " + std::to_string(version) + ", this " + entry.program +
                       " has ABI " + std::to_string(entry.abi_version) + "; rebuild it against this Ingot's headers";
        dlclose(handle);
        return result;
    }
    result.register_function = reg;
    return result;
}

std::vector<std::string> plugin_directories(const std::vector<std::string>& configured,
                                            const std::string& default_relative_dir, const char* env_var) {
    std::vector<std::string> dirs = configured;
    if (dirs.empty()) {
        // <prefix>/bin/<program> -> <prefix>/<default_relative_dir>
        std::error_code ec;
        auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
        if (!ec) dirs.push_back((exe.parent_path().parent_path() / default_relative_dir).string());
    }
    if (const char* env = std::getenv(env_var)) {
        for (const auto& d : split(env, ':'))
            if (!d.empty()) dirs.push_back(d);
    }
    return dirs;
}

std::vector<std::string> plugin_files(const std::vector<std::string>& dirs) {
    std::vector<std::string> out;
    // A directory named twice (plugin_dirs and INGOT_PLUGIN_PATH, or through
    // a symlink) must not load its libraries twice: one load per real file.
    std::set<std::string> real_paths;
    auto first_time = [&real_paths](const std::filesystem::path& file) {
        std::error_code ec;
        auto real = std::filesystem::canonical(file, ec);
        return real_paths.insert(ec ? file.string() : real.string()).second;
    };
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
        for (const auto& file : files)
            if (first_time(file)) out.push_back(file);
    }
    return out;
}

std::vector<PluginLoadResult> load_plugin_files(const std::vector<std::string>& dirs,
                                                const std::function<std::string(const std::string&)>& load_one,
                                                const std::string& event_prefix) {
    std::vector<PluginLoadResult> results;
    for (const auto& file : plugin_files(dirs)) {
        std::string error = load_one(file);
        if (error.empty())
            log::info(event_prefix + ".loaded", {{"file", file}});
        else
            log::error(event_prefix + ".skipped", {{"file", file}, {"reason", error}});
        results.push_back({file, error.empty(), error});
    }
    return results;
}

}  // namespace ingot
