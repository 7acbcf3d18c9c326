#include "ramdisk-agent/plan/plugin_loader.h"

#include "common/plugin_library.h"
#include "ramdisk-agent/plan/plugin.h"

#ifndef INGOT_AGENT_PLUGIN_RELATIVE_DIR
#define INGOT_AGENT_PLUGIN_RELATIVE_DIR "lib/ingot/agent-plugins"
#endif

namespace ingot::agent::plan {
namespace {

// Returns why the plugin was skipped, or "" when it registered.
std::string load_one(const std::string& path) {
    static const PluginEntryPoints entry{INGOT_AGENT_PLUGIN_ABI_SYMBOL, INGOT_AGENT_PLUGIN_REGISTER_SYMBOL,
                                         INGOT_AGENT_PLUGIN_ABI_VERSION,
                                         "INGOT_AGENT_PLUGIN(...) from ramdisk-agent/plan/plugin.h", "agent"};
    PluginLibrary library = open_plugin_library(path, entry);
    if (!library.register_function) return library.error;
    auto reg = reinterpret_cast<ingot_agent_plugin_register_fn>(library.register_function);
    // The plugin registers into copies; they replace the live registries
    // only when it finished, so a plugin failing half-way leaves nothing.
    Registry<Action> staged_actions = actions();
    Registry<InputDriver> staged_drivers = input_drivers();
    AgentRegistries staged{staged_actions, staged_drivers};
    try {
        reg(&staged);
    } catch (const std::exception& e) {
        return std::string("failed to register: ") + e.what();
    } catch (...) {
        return "failed to register: unknown exception";
    }
    actions() = std::move(staged_actions);
    input_drivers() = std::move(staged_drivers);
    return "";
}

}  // namespace

std::vector<std::string> agent_plugin_directories(const std::vector<std::string>& configured) {
    return plugin_directories(configured, INGOT_AGENT_PLUGIN_RELATIVE_DIR, "INGOT_AGENT_PLUGIN_PATH");
}

std::vector<PluginLoadResult> load_agent_plugins(const std::vector<std::string>& dirs) {
    return load_plugin_files(dirs, load_one, "agent.plugin");
}

}  // namespace ingot::agent::plan
