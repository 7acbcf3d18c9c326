// The commands ingot-agent offers, under IPA's extension names: standby,
// deploy, clean, image, log. Those that need the image and plan work
// (prepare_image, write_image, erasing disks, the bootloader) are
// registered but fail with a clear "not implemented yet" until it lands.
#pragma once

#include "ramdisk-agent/service/command_registry.h"

namespace ingot::agent::service {

struct BuiltinOptions {
    // Powering off or rebooting is refused unless the agent is PID 1 (it
    // owns the machine: a ramdisk) or this is set: developers and tests run
    // the agent on their own host, which it must never switch off.
    bool allow_power_actions = false;
};

void add_builtin_commands(CommandRegistry& registry, const BuiltinOptions& options);

// IPA's generic hardware manager steps, as get_clean_steps and
// get_deploy_steps report them.
json clean_steps();
json deploy_steps();

}  // namespace ingot::agent::service
