// The commands ingot-agent offers, under IPA's extension names: standby,
// deploy, clean, image, log. Writing the image and the bootloader live in
// deploy_commands.h, erasing disks in clean_commands.h; both go through the
// safety gates of disk_safety.h. standby.cache_image is registered but fails
// with a clear "not implemented yet".
#pragma once

#include <memory>

#include "ramdisk-agent/service/command_registry.h"
#include "ramdisk-agent/service/deploy_commands.h"
#include "ramdisk-agent/service/disk_access.h"

namespace ingot::agent::service {

struct BuiltinOptions {
    // Powering off or rebooting is refused unless the agent is PID 1 (it
    // owns the machine: a ramdisk) or this is set: developers and tests run
    // the agent on their own host, which it must never switch off.
    bool allow_power_actions = false;
    // Discovery, the write/erase gates (--allow-disk-writes,
    // --loop-devices-only) and the runners; tests substitute fakes.
    DiskAccess disks;
    // Shared with the heartbeater (the node from the lookup); made when null.
    std::shared_ptr<DeployState> state;
};

void add_builtin_commands(CommandRegistry& registry, const BuiltinOptions& options);

// IPA's generic hardware manager steps, as get_clean_steps and
// get_deploy_steps report them.
json clean_steps();
json deploy_steps();

}  // namespace ingot::agent::service
