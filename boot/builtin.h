// Registers the boot interfaces Ingot ships ("ingot.boot").
#pragma once

#include "interfaces/registry.h"

namespace ingot::boot {

void register_builtin(interfaces::Registry& registry);

}  // namespace ingot::boot
