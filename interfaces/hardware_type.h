// A hardware type (a node's `driver`): for each interface kind, the ordered
// implementation names it supports, as Ironic's supported_*_interfaces. The
// first one that is enabled is the default. Registered in the
// "ingot.hardware_types" namespace like any other plugin.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ingot::interfaces {

// The interface kinds a node record names, in Ironic's order.
const std::vector<std::string>& interface_kinds();

struct HardwareType {
    std::map<std::string, std::vector<std::string>> supported;  // kind -> implementations
};

}  // namespace ingot::interfaces
