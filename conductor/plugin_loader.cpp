#include "conductor/plugin_loader.h"

#include "common/log.h"
#include "common/plugin_library.h"
#include "interfaces/plugin.h"

namespace ingot::conductor {
namespace {

PluginLoadResult load_one(interfaces::Registry& registry, const std::string& path) {
    PluginLoadResult result{path, false, ""};
    static const PluginEntryPoints entry{INGOT_PLUGIN_ABI_SYMBOL, INGOT_PLUGIN_REGISTER_SYMBOL,
                                         INGOT_PLUGIN_ABI_VERSION, "INGOT_PLUGIN(...) from interfaces/plugin.h",
                                         "conductor"};
    PluginLibrary library = open_plugin_library(path, entry);
    if (!library.register_function) {
        result.error = library.error;
        return result;
    }
    auto reg = reinterpret_cast<ingot_plugin_register_fn>(library.register_function);
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
    return ingot::plugin_directories(configured, INGOT_PLUGIN_RELATIVE_DIR, "INGOT_PLUGIN_PATH");
}

std::vector<PluginLoadResult> load_plugins(interfaces::Registry& registry, const std::vector<std::string>& dirs) {
    std::vector<PluginLoadResult> results;
    for (const auto& file : plugin_files(dirs)) {
        auto r = load_one(registry, file);
        if (r.loaded)
            log::info("plugin.loaded", {{"file", file}});
        else
            log::error("plugin.skipped", {{"file", file}, {"reason", r.error}});
        results.push_back(std::move(r));
    }
    return results;
}

}  // namespace ingot::conductor
