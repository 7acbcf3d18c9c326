#include "interfaces/hardware_type.h"

#include "interfaces/generic_interface.h"

namespace ingot::interfaces {

const std::vector<std::string>& interface_kinds() {
    static const std::vector<std::string> kinds = {"bios",    "boot",  "console", "deploy", "inspect", "management",
                                                   "network", "power", "raid",    "rescue", "storage", "vendor"};
    return kinds;
}

const std::vector<std::string>& generic_interface_kinds() {
    static const std::vector<std::string> kinds = {"bios", "console", "inspect", "network",
                                                   "raid", "rescue",  "storage", "vendor"};
    return kinds;
}

}  // namespace ingot::interfaces
