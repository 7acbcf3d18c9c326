#include "conductor/auth/policy_personas.h"

namespace ingot::conductor::auth {

// Ironic 38.0.0, ironic/common/policy.py: the same strings, built the same
// way, so that a diff against a newer Ironic reads line by line.
Personas::Personas() {
    system_admin = "role:admin and system_scope:all";
    system_member = "(role:member and system_scope:all) or rule:service_role";
    system_reader = "(role:reader and system_scope:all) or (role:service and system_scope:all) or rule:service_role";
    project_admin = "role:admin and project_id:%(node.owner)s";
    project_manager = "role:manager and (project_id:%(node.owner)s or project_id:%(node.lessee)s)";
    project_member = "role:member and (project_id:%(node.owner)s or project_id:%(node.lessee)s)";
    project_reader = "role:reader and (project_id:%(node.owner)s or project_id:%(node.lessee)s)";
    system_service = "role:service and system_scope:all";
    project_service = "role:service and project_id:%(node.owner)s";
    system_or_project_member = "(" + system_member + ") or (" + project_member + ") or (" + system_service + ")";
    system_or_project_reader = "(" + system_reader + ") or (" + project_reader + ") or (" + project_service + ")";
    project_owner_admin = "role:admin and project_id:%(node.owner)s";
    project_owner_manager = "role:manager and project_id:%(node.owner)s";
    project_owner_member = "role:member and project_id:%(node.owner)s";
    project_owner_reader = "role:reader and project_id:%(node.owner)s";
    project_lessee_admin = "role:admin and project_id:%(node.lessee)s";
    project_lessee_manager = "role:manager and project_id:%(node.lessee)s";
    allocation_owner_admin = "role:admin and project_id:%(allocation.owner)s";
    allocation_owner_manager = "role:manager and project_id:%(allocation.owner)s";
    allocation_owner_member = "role:member and project_id:%(allocation.owner)s";
    allocation_owner_reader = "role:reader and project_id:%(allocation.owner)s";
    runbook_owner_admin = "role:admin and project_id:%(runbook.owner)s";
    runbook_owner_manager = "role:manager and project_id:%(runbook.owner)s";
    runbook_owner_member = "role:member and project_id:%(runbook.owner)s";
    runbook_owner_reader = "role:reader and project_id:%(runbook.owner)s";
    runbook_admin = "(" + system_member + ") or (" + runbook_owner_manager + ") or role:service";
    runbook_reader = "(" + system_reader + ") or (" + runbook_owner_reader + ") or role:service";
    runbook_creator = "(" + system_member + ") or role:manager or role:service";
    system_or_owner_member_and_lessee_admin = "(" + system_member + ") or (" + system_service + ") or (" +
                                              project_owner_member + ") or (" + project_lessee_admin + ") or (" +
                                              project_lessee_manager + ") or (" + project_service + ")";
    system_admin_or_owner_admin = "(" + system_admin + ") or (" + system_service + ") or (" + project_owner_admin +
                                  ") or (" + project_owner_manager + ") or (" + project_service + ")";
    system_member_or_owner_admin = "(" + system_member + ") or (" + system_service + ") or (" + project_owner_admin +
                                   ") or (" + project_owner_manager + ") or (" + project_service + ")";
    system_member_or_owner_member = "(" + system_member + ") or (" + system_service + ") or (" + project_owner_member +
                                    ") or (" + project_service + ")";
    system_or_owner_reader = "(" + system_reader + ") or (" + system_service + ") or (" + project_owner_reader +
                             ") or (" + project_service + ")";
    system_member_or_owner_lessee_admin = "(" + system_member + ") or (" + system_service + ") or (" +
                                          project_owner_admin + ") or (" + project_owner_manager + ") or (" +
                                          project_lessee_admin + ") or (" + project_lessee_manager + ") or (" +
                                          project_service + ")";
    allocation_member = "(" + system_member + ") or (" + allocation_owner_member + ")";
    allocation_reader = "(" + system_reader + ") or (" + allocation_owner_reader + ")";
    allocation_creator = "(" + system_member + ") or (role:member)";
    api_reader = "(role:reader) or (role:service)";
    target_properties_reader = "(" + system_reader + ") or (role:admin)";
}

const Personas& personas() {
    static const Personas p;
    return p;
}

}  // namespace ingot::conductor::auth
