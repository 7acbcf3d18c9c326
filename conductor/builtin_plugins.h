// Everything Ingot ships registers here, explicitly and in one place, before
// external plugins are loaded.
#pragma once

#include "boot/boot_settings.h"
#include "deploy/builtin.h"
#include "interfaces/registry.h"
#include "power/builtin.h"

namespace ingot::conductor {

void register_builtin_plugins(interfaces::Registry& registry, const power::PowerSettings& power = {},
                              const deploy::DeploySettings& deploy = {}, const boot::BootSettings& boot = {});

}  // namespace ingot::conductor
