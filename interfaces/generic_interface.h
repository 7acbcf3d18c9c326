// The interfaces a node record names that have no methods of their own yet
// (bios, console, inspect, network, raid, rescue, storage, vendor): only
// properties and validation, so that every node is complete as in Ironic.
#pragma once

#include "interfaces/base_interface.h"

namespace ingot::interfaces {

class GenericInterface : public BaseInterface {};

// The kinds above, in Ironic's order.
const std::vector<std::string>& generic_interface_kinds();

}  // namespace ingot::interfaces
