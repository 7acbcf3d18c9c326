// Registers the power and management interfaces Ingot ships
// ("ingot.power", "ingot.management").
#pragma once

#include "interfaces/registry.h"
#include "power/ipmitool_command.h"
#include "power/redfish_client.h"

namespace ingot::power {

// What the interfaces take from the conductor's configuration.
struct PowerSettings {
    RedfishSettings redfish;
    IpmitoolSettings ipmitool;
};

void register_builtin(interfaces::Registry& registry, const PowerSettings& settings = {});

}  // namespace ingot::power
