#include "conductor/driver_composition.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::conductor {

const interfaces::HardwareType& enabled_hardware_type(const Context& ctx, const std::string& driver,
                                                     const std::string& conductor_group) {
    const auto& enabled = ctx.enabled_hardware_types;
    const interfaces::HardwareType* type = interfaces::find_builtin_hardware_type(driver);
    bool served = type && std::find(enabled.begin(), enabled.end(), driver) != enabled.end() &&
                  to_lower(conductor_group) == to_lower(ctx.conductor_group);
    if (!served) {
        throw InvalidInput("No valid host was found. Reason: No conductor service registered which supports driver " +
                           driver + " for conductor group \"" + conductor_group + "\".");
    }
    return *type;
}

void compose_interfaces(const Context& ctx, nlohmann::json& node, bool reset_unsupported) {
    const auto& type = enabled_hardware_type(ctx, node.at("driver").get<std::string>(),
                                             node.value("conductor_group", std::string()));
    for (const auto& kind : interfaces::interface_kinds()) {
        const std::string field = kind + "_interface";
        const auto& supported = type.supported.at(kind);
        nlohmann::json& value = node[field];
        if (!value.is_null()) {
            const std::string impl = value.get<std::string>();
            bool ok = std::find(supported.begin(), supported.end(), impl) != supported.end();
            if (ok) continue;
            if (!reset_unsupported) {
                throw InvalidInput("Could not find a suitable " + kind + " interface for node: hardware type " +
                                   type.name + " does not support " + kind + " interface " + impl +
                                   " (supported: " + join(supported, ", ") + ").");
            }
        }
        value = supported.front();
    }
}

std::vector<InterfaceCheck> validate_node(const Context& ctx, const nlohmann::json& node) {
    std::vector<InterfaceCheck> out;
    const nlohmann::json& driver_info = node.at("driver_info");
    const std::string driver = node.at("driver").get<std::string>();
    for (const auto& kind : interfaces::interface_kinds()) {
        if (kind == "vendor") continue;  // Ironic does not validate vendor interfaces here
        InterfaceCheck check{kind, true, ""};
        const nlohmann::json& impl = node.value(kind + "_interface", nlohmann::json());
        const std::string name = impl.is_string() ? impl.get<std::string>() : "";
        if (starts_with(name, "no-")) {
            check.ok = false;
            check.reason = "Driver " + driver + " does not support " + kind + " (disabled or not implemented).";
        } else if (!name.empty() && name != "fake") {
            // Fake implementations document properties but check none, as in Ironic.
            std::vector<std::string> missing;
            for (const auto& p : interfaces::implementation_properties(kind, name))
                if (p.required && !driver_info.contains(p.name)) missing.push_back("'" + p.name + "'");
            if (!missing.empty()) {
                check.ok = false;
                std::string what = name == "ipmitool" ? "IPMI credentials" : kind + " properties";
                check.reason = "Missing the following " + what + " in node's driver_info: [" + join(missing, ", ") + "].";
            }
        }
        out.push_back(check);
    }
    return out;
}

}  // namespace ingot::conductor
