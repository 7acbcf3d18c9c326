// The C entry point of an agent plugin: a shared object that adds actions
// (`ingot.agent.actions`) or input-data drivers (`ingot.agent.input_drivers`)
// to ingot-agent without changing its source. A plugin defines one
// registration function and names it once:
//
//   static void register_all(ingot::agent::plan::AgentRegistries& r) {
//       r.actions.add("raid-controller", "Configures the RAID controller first",
//                     [] { return std::make_unique<RaidControllerAction>(); });
//   }
//   INGOT_AGENT_PLUGIN(register_all)
//
// Plugin actions run after the built-in ones, in name order; a plugin's
// input driver is chosen like a built-in one (`ingot-agent plan --driver`).
#pragma once

#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/input_driver.h"

// Bump whenever action.h, input_driver.h, objects.h or registry.h change in
// a way that breaks plugins built against the old ones.
#define INGOT_AGENT_PLUGIN_ABI_VERSION 1

#define INGOT_AGENT_PLUGIN_ABI_SYMBOL "ingot_agent_plugin_abi_version"
#define INGOT_AGENT_PLUGIN_REGISTER_SYMBOL "ingot_agent_plugin_register"

namespace ingot::agent::plan {

struct AgentRegistries {
    Registry<Action>& actions;
    Registry<InputDriver>& input_drivers;
};

}  // namespace ingot::agent::plan

extern "C" {
typedef int (*ingot_agent_plugin_abi_version_fn)(void);
typedef void (*ingot_agent_plugin_register_fn)(ingot::agent::plan::AgentRegistries* registries);
}

#define INGOT_AGENT_PLUGIN(register_function)                                                    \
    extern "C" __attribute__((visibility("default"))) int ingot_agent_plugin_abi_version(void) { \
        return INGOT_AGENT_PLUGIN_ABI_VERSION;                                                   \
    }                                                                                            \
    extern "C" __attribute__((visibility("default"))) void ingot_agent_plugin_register(          \
        ::ingot::agent::plan::AgentRegistries* registries) {                                     \
        register_function(*registries);                                                          \
    }
