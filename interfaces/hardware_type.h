// Hardware types as data: for each interface kind, the ordered list of
// implementation names a type supports (the first enabled one is the
// default), as Ironic's AbstractHardwareType.supported_*_interfaces.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ingot::interfaces {

// The interface kinds a node record names, in Ironic's order.
const std::vector<std::string>& interface_kinds();

struct PropertySpec {
    std::string name;
    std::string description;
    bool required = false;
};

struct HardwareType {
    std::string name;
    std::map<std::string, std::vector<std::string>> supported;  // kind -> implementations
};

// The hardware types Ingot ships.
const std::vector<HardwareType>& builtin_hardware_types();
const HardwareType* find_builtin_hardware_type(const std::string& name);

// The driver_info keys an implementation reads ("power", "ipmitool" -> ...).
std::vector<PropertySpec> implementation_properties(const std::string& kind, const std::string& impl);

}  // namespace ingot::interfaces
