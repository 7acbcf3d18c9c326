// Internal to the policy defaults: the composite check strings Ironic's
// policy is written with (SYSTEM_READER, PROJECT_MEMBER, ...), and the
// shape of one table entry. Built once, on first use.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "conductor/auth/policy_defaults.h"

namespace ingot::conductor::auth {

// Each member is Ironic's constant of the same name in lower case.
struct Personas {
    Personas();
    std::string system_admin, system_member, system_reader;
    std::string project_admin, project_manager, project_member, project_reader;
    std::string system_service, project_service;
    std::string system_or_project_member, system_or_project_reader;
    std::string project_owner_admin, project_owner_manager, project_owner_member, project_owner_reader;
    std::string project_lessee_admin, project_lessee_manager;
    std::string allocation_owner_admin, allocation_owner_manager, allocation_owner_member, allocation_owner_reader;
    std::string runbook_owner_admin, runbook_owner_manager, runbook_owner_member, runbook_owner_reader;
    std::string runbook_admin, runbook_reader, runbook_creator;
    std::string system_or_owner_member_and_lessee_admin, system_admin_or_owner_admin;
    std::string system_member_or_owner_admin, system_member_or_owner_member, system_or_owner_reader;
    std::string system_member_or_owner_lessee_admin;
    std::string allocation_member, allocation_reader, allocation_creator;
    std::string api_reader, target_properties_reader;
};

const Personas& personas();

// A default rule whose check is either a persona or literal text.
struct DefaultEntry {
    std::string_view name;
    const std::string Personas::*persona;  // nullptr: `check` is the text
    std::string_view check;
    std::string_view description;
    Scopes scopes;
};

std::span<const DefaultEntry> node_defaults();
std::span<const DefaultEntry> resource_defaults();

}  // namespace ingot::conductor::auth
