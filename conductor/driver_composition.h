// Which hardware types and interface implementations a node may use here,
// and the defaults it gets. Until hardware types become live objects this
// reads the data in interfaces/hardware_type.cpp filtered by the enabled
// hardware types.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "conductor/context.h"
#include "interfaces/hardware_type.h"

namespace ingot::conductor {

// The enabled hardware type called `driver`, or an InvalidInput with
// Ironic's "No valid host was found" message.
const interfaces::HardwareType& enabled_hardware_type(const Context& ctx, const std::string& driver,
                                                     const std::string& conductor_group);

// Fills every `<kind>_interface` of `node` that is null or absent with the
// hardware type's default, and checks the ones given against what it
// supports. Interfaces the previous driver set but the new one does not
// support are reset when `reset_unsupported` (a driver change).
void compose_interfaces(const Context& ctx, nlohmann::json& node, bool reset_unsupported);

struct InterfaceCheck {
    std::string kind;
    bool ok = true;
    std::string reason;
};
// What GET /v1/nodes/{id}/validate reports: every required driver_info key
// of each interface present.
std::vector<InterfaceCheck> validate_node(const Context& ctx, const nlohmann::json& node);

}  // namespace ingot::conductor
