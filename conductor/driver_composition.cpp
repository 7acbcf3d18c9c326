#include "conductor/driver_composition.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/errors.h"
#include "common/strings.h"
#include "interfaces/boot.h"
#include "interfaces/deploy.h"
#include "interfaces/generic_interface.h"
#include "interfaces/management.h"
#include "interfaces/power.h"

namespace ingot::conductor {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string quoted_list(const std::vector<std::string>& v) {
    std::vector<std::string> q;
    for (const auto& s : v) q.push_back("'" + s + "'");
    return "[" + join(q, ", ") + "]";
}

// Instantiates through the namespace's base class so that a plugin
// registered with the wrong type is refused here, at start.
std::shared_ptr<interfaces::BaseInterface> create_interface(const interfaces::Registry& r, const std::string& kind,
                                                            const std::string& name) {
    const std::string ns = interfaces::interface_namespace(kind);
    if (kind == "boot") return r.create<interfaces::BootInterface>(ns, name);
    if (kind == "deploy") return r.create<interfaces::DeployInterface>(ns, name);
    if (kind == "power") return r.create<interfaces::PowerInterface>(ns, name);
    if (kind == "management") return r.create<interfaces::ManagementInterface>(ns, name);
    return r.create<interfaces::GenericInterface>(ns, name);
}

}  // namespace

DriverComposition::DriverComposition(const interfaces::Registry& registry, const config::Config& config)
    : conductor_group_(to_lower(config.get_string("conductor", "conductor_group"))) {
    for (const auto& kind : interfaces::interface_kinds()) {
        const std::string option = "enabled_" + kind + "_interfaces";
        for (const auto& name : config.get_list("DEFAULT", option)) {
            if (!registry.contains(interfaces::interface_namespace(kind), name)) {
                throw ConfigError("[DEFAULT] " + option + ": no " + kind + " interface named '" + name +
                                  "' is installed (see GET /v1/extensions)");
            }
            try {
                instances_[{kind, name}] = create_interface(registry, kind, name);
            } catch (const Error& e) {
                throw ConfigError("[DEFAULT] " + option + ": cannot load '" + name + "': " + e.what());
            }
            enabled_[kind].push_back(name);
        }
        const std::string def = config.get_string("DEFAULT", "default_" + kind + "_interface");
        if (!def.empty() && !contains(enabled_[kind], def)) {
            throw ConfigError("[DEFAULT] default_" + kind + "_interface: '" + def + "' is not in " + option);
        }
        configured_default_[kind] = def;
    }
    type_names_ = config.get_list("DEFAULT", "enabled_hardware_types");
    if (type_names_.empty()) throw ConfigError("[DEFAULT] enabled_hardware_types must name at least one hardware type");
    for (const auto& name : type_names_) {
        if (!registry.contains(interfaces::kHardwareTypesNamespace, name))
            throw ConfigError("[DEFAULT] enabled_hardware_types: unknown hardware type '" + name + "'");
        auto type = registry.create<interfaces::HardwareType>(interfaces::kHardwareTypesNamespace, name);
        types_[name] = type;
        // Every interface kind needs a usable implementation, or nodes of
        // this type could not be composed (Ironic refuses to start too).
        for (const auto& kind : interfaces::interface_kinds()) {
            auto it = type->supported.find(kind);
            std::vector<std::string> supported = it == type->supported.end() ? std::vector<std::string>{} : it->second;
            if (enabled_interfaces(name, kind).empty()) {
                throw ConfigError("hardware type " + name + " supports none of the enabled " + kind +
                                  " interfaces (it supports " + quoted_list(supported) + ", [DEFAULT] enabled_" + kind +
                                  "_interfaces is " + quoted_list(enabled_[kind]) + ")");
            }
        }
    }
}

const interfaces::HardwareType* DriverComposition::hardware_type(const std::string& name) const {
    auto it = types_.find(name);
    return it == types_.end() ? nullptr : it->second.get();
}

std::vector<std::string> DriverComposition::enabled_interfaces(const std::string& type, const std::string& kind) const {
    std::vector<std::string> out;
    const auto* t = hardware_type(type);
    if (!t) return out;
    auto it = t->supported.find(kind);
    if (it == t->supported.end()) return out;
    auto enabled = enabled_.find(kind);
    for (const auto& name : it->second)
        if (enabled != enabled_.end() && contains(enabled->second, name)) out.push_back(name);
    return out;
}

std::string DriverComposition::default_interface(const std::string& type, const std::string& kind) const {
    auto candidates = enabled_interfaces(type, kind);
    auto def = configured_default_.find(kind);
    if (def != configured_default_.end() && !def->second.empty() && contains(candidates, def->second))
        return def->second;
    return candidates.empty() ? "" : candidates.front();
}

const interfaces::HardwareType& DriverComposition::require_hardware_type(const std::string& driver,
                                                                         const std::string& conductor_group) const {
    const auto* type = hardware_type(driver);
    if (!type || to_lower(conductor_group) != conductor_group_) {
        throw InvalidInput("No valid host was found. Reason: No conductor service registered which supports driver " +
                           driver + " for conductor group \"" + conductor_group + "\".");
    }
    return *type;
}

void DriverComposition::compose(nlohmann::json& node, bool reset_unsupported) const {
    const std::string driver = node.at("driver").get<std::string>();
    require_hardware_type(driver, node.value("conductor_group", std::string()));
    for (const auto& kind : interfaces::interface_kinds()) {
        nlohmann::json& value = node[kind + "_interface"];
        if (!value.is_null()) {
            const std::string impl = value.get<std::string>();
            auto enabled = enabled_.find(kind);
            bool is_enabled = enabled != enabled_.end() && contains(enabled->second, impl);
            bool supported = contains(enabled_interfaces(driver, kind), impl);
            if (supported) continue;
            if (!reset_unsupported) {
                if (!is_enabled) {
                    throw InvalidInput(
                        "Could not find the following interface in the '" + interfaces::interface_namespace(kind) +
                        "' entrypoint: " + impl + ". Valid interfaces are " +
                        quoted_list(enabled != enabled_.end() ? enabled->second : std::vector<std::string>{}) + ".");
                }
                throw InvalidInput(kind + " interface implementation '" + impl +
                                   "' is not supported by hardware type " + driver + ".");
            }
        }
        value = default_interface(driver, kind);
    }
}

interfaces::BaseInterface& DriverComposition::instance(const std::string& kind, const std::string& name) const {
    auto it = instances_.find({kind, name});
    if (it == instances_.end()) throw NotFound("No enabled " + kind + " interface named " + name + ".");
    return *it->second;
}

// Instances were created through these base classes (create_interface), so
// the casts cannot fail.
interfaces::PowerInterface& DriverComposition::power(const std::string& name) const {
    return static_cast<interfaces::PowerInterface&>(instance("power", name));
}
interfaces::ManagementInterface& DriverComposition::management(const std::string& name) const {
    return static_cast<interfaces::ManagementInterface&>(instance("management", name));
}
interfaces::BootInterface& DriverComposition::boot(const std::string& name) const {
    return static_cast<interfaces::BootInterface&>(instance("boot", name));
}
interfaces::DeployInterface& DriverComposition::deploy(const std::string& name) const {
    return static_cast<interfaces::DeployInterface&>(instance("deploy", name));
}

std::vector<interfaces::PropertySpec> DriverComposition::properties(const std::string& type) const {
    std::vector<interfaces::PropertySpec> out;
    for (const auto& kind : interfaces::interface_kinds()) {
        std::string impl = default_interface(type, kind);
        if (impl.empty()) continue;
        for (auto& p : instance(kind, impl).properties()) {
            bool seen = std::any_of(out.begin(), out.end(), [&](const auto& q) { return q.name == p.name; });
            if (!seen) out.push_back(std::move(p));
        }
    }
    return out;
}

std::vector<InterfaceCheck> DriverComposition::validate(const interfaces::Task& task) const {
    std::vector<InterfaceCheck> out;
    const nlohmann::json& node = task.node();
    const std::string driver = node.at("driver").get<std::string>();
    for (const auto& kind : interfaces::interface_kinds()) {
        if (kind == "vendor") continue;  // Ironic does not validate vendor interfaces here
        InterfaceCheck check{kind, true, ""};
        const nlohmann::json& impl = node.value(kind + "_interface", nlohmann::json());
        const std::string name = impl.is_string() ? impl.get<std::string>() : "";
        if (starts_with(name, "no-")) {
            check.ok = false;
            check.reason = "Driver " + driver + " does not support " + kind + " (disabled or not implemented).";
        } else {
            try {
                instance(kind, name).validate(task);
            } catch (const Error& e) {
                check.ok = false;
                check.reason = e.what();
            }
        }
        out.push_back(check);
    }
    return out;
}

}  // namespace ingot::conductor
