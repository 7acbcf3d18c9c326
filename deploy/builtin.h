// Registers the deploy interfaces Ingot ships ("ingot.deploy").
#pragma once

#include "interfaces/registry.h"

namespace ingot::deploy {

void register_builtin(interfaces::Registry& registry);

}  // namespace ingot::deploy
