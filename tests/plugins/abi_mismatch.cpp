// A plugin built "against other headers": it reports another ABI version.
#include "interfaces/plugin.h"

extern "C" __attribute__((visibility("default"))) int ingot_plugin_abi_version(void) {
    return 999;
}
extern "C" __attribute__((visibility("default"))) void ingot_plugin_register(ingot::interfaces::Registry*) {
    // Never called: the conductor must refuse the plugin before this.
    __builtin_trap();
}
