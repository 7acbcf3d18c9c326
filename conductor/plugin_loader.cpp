#include "conductor/plugin_loader.h"

#include "common/plugin_library.h"
#include "interfaces/plugin.h"

namespace ingot::conductor {
namespace {

// Returns why the plugin was skipped, or "" when it registered.
std::string load_one(interfaces::Registry& registry, const std::string& path) {
    static const PluginEntryPoints entry{INGOT_PLUGIN_ABI_SYMBOL, INGOT_PLUGIN_REGISTER_SYMBOL,
                                         INGOT_PLUGIN_ABI_VERSION, "INGOT_PLUGIN(...) from interfaces/plugin.h",
                                         "conductor"};
    PluginLibrary library = open_plugin_library(path, entry);
    if (!library.register_function) return library.error;
    auto reg = reinterpret_cast<ingot_plugin_register_fn>(library.register_function);
    // Register into a staging registry first so that a plugin that fails
    // half-way leaves nothing behind.
    interfaces::Registry staged;
    staged.set_origin(path);
    try {
        reg(&staged);
        registry.merge(std::move(staged));
    } catch (const std::exception& e) {
        // The library stays loaded: its code may still be referenced by
        // objects destroyed later (staged entries hold its factories).
        return std::string("failed to register: ") + e.what();
    } catch (...) {
        return "failed to register: unknown exception";
    }
    return "";
}

}  // namespace

std::vector<std::string> plugin_directories(const std::vector<std::string>& configured) {
    return ingot::plugin_directories(configured, INGOT_PLUGIN_RELATIVE_DIR, "INGOT_PLUGIN_PATH");
}

std::vector<PluginLoadResult> load_plugins(interfaces::Registry& registry, const std::vector<std::string>& dirs) {
    return load_plugin_files(
        dirs, [&registry](const std::string& path) { return load_one(registry, path); }, "plugin");
}

}  // namespace ingot::conductor
