#include <stdexcept>
#include <unordered_set>

#include "conductor/auth/policy_personas.h"

namespace ingot::conductor::auth {

namespace {

// Ironic 38.0.0 (the newest release when this was written),
// ironic/common/policy.py, default_policies: aliases other rules and
// operators' files refer to. The legacy ones (admin_api, is_member, ...)
// are kept because policy files written for Ironic still name them.
constexpr DefaultEntry kGeneralDefaults[] = {
    {"admin_api", nullptr, "role:admin or role:administrator", "Legacy rule for cloud admin access", kUnchecked},
    {"public_api", nullptr, "is_public_api:True", "Internal flag for public API routes", kUnchecked},
    {"show_password", nullptr, "!",
     "Show or mask secrets within node driver information in API responses. This setting should be used with the "
     "utmost care as its use can present a security risk.",
     kUnchecked},
    {"show_instance_secrets", nullptr, "!",
     "Show or mask secrets within instance information in API responses. This setting should be used with the utmost "
     "care as its use can present a security risk.",
     kUnchecked},
    {"service_role", nullptr, "role:service and project_name:%(config.service_project_name)s",
     "Rule to match service role usage with a service project, delineated as a separate rule to enable customization.",
     kUnchecked},
    {"is_member", nullptr,
     "(project_domain_id:default or project_domain_id:None) and (project_name:demo or project_name:baremetal)",
     "May be used to restrict access to specific projects", kUnchecked},
    {"is_observer", nullptr, "rule:is_member and (role:observer or role:baremetal_observer)", "Read-only API access",
     kUnchecked},
    {"is_admin", nullptr, "rule:admin_api or (rule:is_member and role:baremetal_admin)", "Full read/write API access",
     kUnchecked},
    {"is_node_owner", nullptr, "project_id:%(node.owner)s", "Owner of node", kUnchecked},
    {"is_node_lessee", nullptr, "project_id:%(node.lessee)s", "Lessee of node", kUnchecked},
    {"is_allocation_owner", nullptr, "project_id:%(allocation.owner)s", "Owner of allocation", kUnchecked},
};

// Ingot's additions to Ironic's API.
constexpr DefaultEntry kIngotDefaults[] = {
    {"baremetal:extension:get", &Personas::system_reader, "", "Retrieve the plugins Ingot loaded (GET /v1/extensions)",
     kSystemOrProject},
};

void append(std::vector<RuleDefault>& out, std::span<const DefaultEntry> entries) {
    const Personas& p = personas();
    for (const DefaultEntry& e : entries)
        out.push_back({std::string(e.name), e.persona ? p.*e.persona : std::string(e.check), std::string(e.description),
                       e.scopes});
}

std::vector<RuleDefault> build_defaults() {
    std::vector<RuleDefault> rules;
    append(rules, kGeneralDefaults);
    append(rules, node_defaults());
    append(rules, resource_defaults());
    append(rules, kIngotDefaults);
    std::unordered_set<std::string> names;
    for (const auto& r : rules)
        if (!names.insert(r.name).second) throw std::logic_error("policy default '" + r.name + "' is defined twice");
    return rules;
}

}  // namespace

const std::vector<RuleDefault>& policy_defaults() {
    static const std::vector<RuleDefault> rules = build_defaults();
    return rules;
}

}  // namespace ingot::conductor::auth
