// Registers the boot interfaces Ingot ships ("ingot.boot").
#pragma once

#include "boot/boot_settings.h"
#include "interfaces/registry.h"

namespace ingot::boot {

void register_builtin(interfaces::Registry& registry, const BootSettings& settings);

}  // namespace ingot::boot
