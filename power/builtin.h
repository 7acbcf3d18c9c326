// Registers the power and management interfaces Ingot ships
// ("ingot.power", "ingot.management").
#pragma once

#include "interfaces/registry.h"

namespace ingot::power {

void register_builtin(interfaces::Registry& registry);

}  // namespace ingot::power
