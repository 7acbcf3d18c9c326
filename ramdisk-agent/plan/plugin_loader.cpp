#include "ramdisk-agent/plan/plugin_loader.h"

#include "common/log.h"
#include "common/plugin_library.h"
#include "ramdisk-agent/plan/plugin.h"

#ifndef INGOT_AGENT_PLUGIN_RELATIVE_DIR
#define INGOT_AGENT_PLUGIN_RELATIVE_DIR "lib/ingot/agent-plugins"
#endif

namespace ingot::agent::plan {
namespace {

PluginLoadResult load_one(const std::string& path) {
    PluginLoadResult result{path, false, ""};
    static const PluginEntryPoints entry{INGOT_AGENT_PLUGIN_ABI_SYMBOL, INGOT_AGENT_PLUGIN_REGISTER_SYMBOL,
                                         INGOT_AGENT_PLUGIN_ABI_VERSION,
                                         "INGOT_AGENT_PLUGIN(...) from ramdisk-agent/plan/plugin.h", "agent"};
    PluginLibrary library = open_plugin_library(path, entry);
    if (!library.register_function) {
        result.error = library.error;
        return result;
    }
    auto reg = reinterpret_cast<ingot_agent_plugin_register_fn>(library.register_function);
    // The plugin registers into copies; they replace the live registries
    // only when it finished, so a plugin failing half-way leaves nothing.
    Registry<Action> staged_actions = actions();
    Registry<InputDriver> staged_drivers = input_drivers();
    AgentRegistries staged{staged_actions, staged_drivers};
    try {
        reg(&staged);
    } catch (const std::exception& e) {
        result.error = std::string("failed to register: ") + e.what();
        return result;
    } catch (...) {
        result.error = "failed to register: unknown exception";
        return result;
    }
    actions() = std::move(staged_actions);
    input_drivers() = std::move(staged_drivers);
    result.loaded = true;
    return result;
}

}  // namespace

std::vector<std::string> agent_plugin_directories(const std::vector<std::string>& configured) {
    return plugin_directories(configured, INGOT_AGENT_PLUGIN_RELATIVE_DIR, "INGOT_AGENT_PLUGIN_PATH");
}

std::vector<PluginLoadResult> load_agent_plugins(const std::vector<std::string>& dirs) {
    std::vector<PluginLoadResult> results;
    for (const auto& file : plugin_files(dirs)) {
        auto r = load_one(file);
        if (r.loaded)
            log::info("agent.plugin_loaded", {{"file", file}});
        else
            log::error("agent.plugin_skipped", {{"file", file}, {"reason", r.error}});
        results.push_back(std::move(r));
    }
    return results;
}

}  // namespace ingot::agent::plan
