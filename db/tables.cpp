#include "db/table.h"

namespace ingot::db {

// Column names equal the API field names wherever Ironic exposes the field,
// so the API can filter, sort and select by name without a mapping table.

const Table& nodes_table() {
    static const Table t{
        "nodes",
        {
            {"uuid", Kind::text, ""},
            {"name", Kind::text, ""},
            {"driver", Kind::text, ""},
            {"driver_info", Kind::json, ""},
            {"driver_internal_info", Kind::json, ""},
            {"instance_uuid", Kind::text, ""},
            {"instance_info", Kind::json, ""},
            {"properties", Kind::json, ""},
            {"extra", Kind::json, ""},
            {"chassis_id", Kind::integer, ""},
            {"chassis_uuid", Kind::computed, "(SELECT c.uuid FROM chassis c WHERE c.id = nodes.chassis_id)"},
            {"power_state", Kind::text, ""},
            {"target_power_state", Kind::text, ""},
            {"provision_state", Kind::text, ""},
            {"target_provision_state", Kind::text, ""},
            {"provision_updated_at", Kind::text, ""},
            {"last_error", Kind::text, ""},
            {"maintenance", Kind::boolean, ""},
            {"maintenance_reason", Kind::text, ""},
            {"fault", Kind::text, ""},
            {"reservation", Kind::text, ""},
            {"conductor_group", Kind::text, ""},
            {"console_enabled", Kind::boolean, ""},
            {"clean_step", Kind::json, ""},
            {"deploy_step", Kind::json, ""},
            {"raid_config", Kind::json, ""},
            {"target_raid_config", Kind::json, ""},
            {"resource_class", Kind::text, ""},
            {"traits", Kind::json, ""},
            {"inspection_started_at", Kind::text, ""},
            {"inspection_finished_at", Kind::text, ""},
            {"automated_clean", Kind::boolean, ""},
            {"protected", Kind::boolean, ""},
            {"protected_reason", Kind::text, ""},
            {"retired", Kind::boolean, ""},
            {"retired_reason", Kind::text, ""},
            {"owner", Kind::text, ""},
            {"lessee", Kind::text, ""},
            {"description", Kind::text, ""},
            {"allocation_uuid", Kind::text, ""},
            {"network_data", Kind::json, ""},
            {"boot_mode", Kind::text, ""},
            {"secure_boot", Kind::boolean, ""},
            {"shard", Kind::text, ""},
            {"bios_interface", Kind::text, ""},
            {"boot_interface", Kind::text, ""},
            {"console_interface", Kind::text, ""},
            {"deploy_interface", Kind::text, ""},
            {"inspect_interface", Kind::text, ""},
            {"management_interface", Kind::text, ""},
            {"network_interface", Kind::text, ""},
            {"power_interface", Kind::text, ""},
            {"raid_interface", Kind::text, ""},
            {"rescue_interface", Kind::text, ""},
            {"storage_interface", Kind::text, ""},
            {"vendor_interface", Kind::text, ""},
            {"created_at", Kind::text, ""},
            {"updated_at", Kind::text, ""},
        }};
    return t;
}

const Table& ports_table() {
    static const Table t{
        "ports",
        {
            {"uuid", Kind::text, ""},
            {"address", Kind::text, ""},
            {"node_id", Kind::integer, ""},
            {"node_uuid", Kind::computed, "(SELECT n.uuid FROM nodes n WHERE n.id = ports.node_id)"},
            {"portgroup_id", Kind::integer, ""},
            {"portgroup_uuid", Kind::computed, "(SELECT g.uuid FROM portgroups g WHERE g.id = ports.portgroup_id)"},
            {"extra", Kind::json, ""},
            {"local_link_connection", Kind::json, ""},
            {"pxe_enabled", Kind::boolean, ""},
            {"internal_info", Kind::json, ""},
            {"physical_network", Kind::text, ""},
            {"is_smartnic", Kind::boolean, ""},
            {"created_at", Kind::text, ""},
            {"updated_at", Kind::text, ""},
        }};
    return t;
}

const Table& portgroups_table() {
    static const Table t{
        "portgroups",
        {
            {"uuid", Kind::text, ""},
            {"name", Kind::text, ""},
            {"address", Kind::text, ""},
            {"node_id", Kind::integer, ""},
            {"node_uuid", Kind::computed, "(SELECT n.uuid FROM nodes n WHERE n.id = portgroups.node_id)"},
            {"extra", Kind::json, ""},
            {"internal_info", Kind::json, ""},
            {"standalone_ports_supported", Kind::boolean, ""},
            {"mode", Kind::text, ""},
            {"properties", Kind::json, ""},
            {"created_at", Kind::text, ""},
            {"updated_at", Kind::text, ""},
        }};
    return t;
}

const Table& chassis_table() {
    static const Table t{"chassis",
                         {
                             {"uuid", Kind::text, ""},
                             {"description", Kind::text, ""},
                             {"extra", Kind::json, ""},
                             {"created_at", Kind::text, ""},
                             {"updated_at", Kind::text, ""},
                         }};
    return t;
}

const Table& conductors_table() {
    static const Table t{"conductors",
                         {
                             {"hostname", Kind::text, ""},
                             {"conductor_group", Kind::text, ""},
                             {"online", Kind::boolean, ""},
                             {"drivers", Kind::json, ""},
                             {"created_at", Kind::text, ""},
                             {"updated_at", Kind::text, ""},
                         }};
    return t;
}

const Table& node_history_table() {
    static const Table t{"node_history",
                         {
                             {"uuid", Kind::text, ""},
                             {"node_id", Kind::integer, ""},
                             {"conductor", Kind::text, ""},
                             {"event_type", Kind::text, ""},
                             {"severity", Kind::text, ""},
                             {"event", Kind::text, ""},
                             {"user", Kind::text, ""},
                             {"created_at", Kind::text, ""},
                         }};
    return t;
}

}  // namespace ingot::db
