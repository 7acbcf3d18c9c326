// Which hardware types and interface implementations nodes may use on this
// conductor, their defaults, and the live interface objects: built at start
// from the plugin registry and the enabled_* / default_* options, exactly as
// Ironic's driver_factory composes a node's driver.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "interfaces/base_interface.h"
#include "interfaces/hardware_type.h"
#include "interfaces/registry.h"

namespace ingot::interfaces {
class BootInterface;
class DeployInterface;
class ManagementInterface;
class PowerInterface;
}  // namespace ingot::interfaces

namespace ingot::conductor {

struct InterfaceCheck {
    std::string kind;
    bool ok = true;
    std::string reason;
};

class DriverComposition {
public:
    // Throws ConfigError naming the option when the configuration asks for
    // something that does not exist or leaves a hardware type unusable.
    DriverComposition(const interfaces::Registry& registry, const config::Config& config);

    // Enabled hardware types, in configuration order.
    const std::vector<std::string>& hardware_types() const { return type_names_; }
    const interfaces::HardwareType* hardware_type(const std::string& name) const;

    // supported(type, kind) that are enabled, in the type's order.
    std::vector<std::string> enabled_interfaces(const std::string& type, const std::string& kind) const;
    std::string default_interface(const std::string& type, const std::string& kind) const;

    // The enabled hardware type `driver` for a node of `conductor_group`, or
    // InvalidInput with Ironic's "No valid host was found" message.
    const interfaces::HardwareType& require_hardware_type(const std::string& driver,
                                                          const std::string& conductor_group) const;

    // Fills every null or absent `<kind>_interface` of `node` with its
    // default and checks the given ones. With `reset_unsupported` (a driver
    // change) interfaces the new type cannot use are reset instead.
    void compose(nlohmann::json& node, bool reset_unsupported) const;

    // The interface object for an implementation (shared, stateless).
    interfaces::BaseInterface& instance(const std::string& kind, const std::string& name) const;
    interfaces::PowerInterface& power(const std::string& name) const;
    interfaces::ManagementInterface& management(const std::string& name) const;
    interfaces::BootInterface& boot(const std::string& name) const;
    interfaces::DeployInterface& deploy(const std::string& name) const;

    // driver_info keys of a hardware type's default interfaces.
    std::vector<interfaces::PropertySpec> properties(const std::string& type) const;
    // What GET /v1/nodes/{id}/validate reports for a node. Interfaces that
    // look at the node's ports or other interfaces (network boot, virtual
    // media) need the task as the conductor builds it for work (make_task).
    std::vector<InterfaceCheck> validate(const interfaces::Task& task) const;
    std::vector<InterfaceCheck> validate(const nlohmann::json& node) const { return validate(interfaces::Task(node)); }

private:
    std::string conductor_group_;
    std::vector<std::string> type_names_;
    std::map<std::string, std::shared_ptr<interfaces::HardwareType>> types_;
    std::map<std::string, std::vector<std::string>> enabled_;  // kind -> names
    std::map<std::string, std::string> configured_default_;    // kind -> name or ""
    std::map<std::pair<std::string, std::string>, std::shared_ptr<interfaces::BaseInterface>> instances_;
};

}  // namespace ingot::conductor
