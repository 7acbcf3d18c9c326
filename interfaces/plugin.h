// The C entry point of an Ingot plugin (a shared object in a plugin
// directory). A plugin defines one registration function and names it once:
//
//   static void register_all(ingot::interfaces::Registry& r) {
//       r.add<ingot::interfaces::Extension>({ingot::interfaces::kExtensionsNamespace, "audit", "1.0",
//                                            "Logs every node event"}, [] { return std::make_unique<Audit>(); });
//   }
//   INGOT_PLUGIN(register_all)
//
// The conductor checks ingot_plugin_abi_version() before calling anything
// else, so a plugin built against other headers is refused, not crashed.
#pragma once

#include "interfaces/registry.h"

// Bump whenever a public header under interfaces/ or common/ changes in a
// way that breaks plugins built against the old one.
#define INGOT_PLUGIN_ABI_VERSION 2

#define INGOT_PLUGIN_ABI_SYMBOL "ingot_plugin_abi_version"
#define INGOT_PLUGIN_REGISTER_SYMBOL "ingot_plugin_register"

extern "C" {
typedef int (*ingot_plugin_abi_version_fn)(void);
typedef void (*ingot_plugin_register_fn)(ingot::interfaces::Registry* registry);
}

#define INGOT_PLUGIN(register_function)                                                    \
    extern "C" __attribute__((visibility("default"))) int ingot_plugin_abi_version(void) { \
        return INGOT_PLUGIN_ABI_VERSION;                                                   \
    }                                                                                      \
    extern "C" __attribute__((visibility("default"))) void ingot_plugin_register(          \
        ::ingot::interfaces::Registry* registry) {                                         \
        register_function(*registry);                                                      \
    }
