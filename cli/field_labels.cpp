#include "cli/field_labels.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace ingot::cli {
namespace {

// From python-ironicclient's ironicclient/v1/resource_fields.py, the
// fields Ingot serves.
const std::map<std::string_view, std::string_view>& known_labels() {
    static const std::map<std::string_view, std::string_view> labels = {
        {"address", "Address"},
        {"alive", "Alive"},
        {"allocation_uuid", "Allocation UUID"},
        {"automated_clean", "Automated Clean"},
        {"bios_interface", "BIOS Interface"},
        {"boot_interface", "Boot Interface"},
        {"boot_mode", "Boot Mode"},
        {"chassis_uuid", "Chassis UUID"},
        {"clean_step", "Clean Step"},
        {"conductor", "Conductor"},
        {"conductor_group", "Conductor Group"},
        {"console_enabled", "Console Enabled"},
        {"console_interface", "Console Interface"},
        {"created_at", "Created At"},
        {"deploy_interface", "Deploy Interface"},
        {"deploy_step", "Deploy Step"},
        {"description", "Description"},
        {"driver", "Driver"},
        {"driver_info", "Driver Info"},
        {"driver_internal_info", "Driver Internal Info"},
        {"drivers", "Drivers"},
        {"event", "Description of the event"},
        {"event_type", "Event Origin Type"},
        {"extra", "Extra"},
        {"fault", "Fault"},
        {"hostname", "Hostname"},
        {"hosts", "Active host(s)"},
        {"inspect_interface", "Inspect Interface"},
        {"inspection_finished_at", "Inspection Finished At"},
        {"inspection_started_at", "Inspection Started At"},
        {"instance_info", "Instance Info"},
        {"instance_uuid", "Instance UUID"},
        {"internal_info", "Internal Info"},
        {"is_smartnic", "Is Smart NIC port"},
        {"last_error", "Last Error"},
        {"lessee", "Lessee"},
        {"local_link_connection", "Local Link Connection"},
        {"maintenance", "Maintenance"},
        {"maintenance_reason", "Maintenance Reason"},
        {"management_interface", "Management Interface"},
        {"name", "Name"},
        {"network_data", "Network Configuration"},
        {"network_interface", "Network Interface"},
        {"node_uuid", "Node UUID"},
        {"owner", "Owner"},
        {"parent_node", "Parent Node"},
        {"physical_network", "Physical Network"},
        {"portgroup_uuid", "Portgroup UUID"},
        {"power_interface", "Power Interface"},
        {"power_state", "Power State"},
        {"properties", "Properties"},
        {"protected", "Protected"},
        {"protected_reason", "Protected Reason"},
        {"provision_state", "Provisioning State"},
        {"provision_updated_at", "Provision Updated At"},
        {"pxe_enabled", "PXE boot enabled"},
        {"raid_config", "Current RAID configuration"},
        {"raid_interface", "RAID Interface"},
        {"rescue_interface", "Rescue Interface"},
        {"reservation", "Reservation"},
        {"resource_class", "Resource Class"},
        {"retired", "Retired"},
        {"retired_reason", "Retired Reason"},
        {"secure_boot", "Secure Boot"},
        {"severity", "Severity"},
        {"shard", "Shard"},
        {"storage_interface", "Storage Interface"},
        {"target_power_state", "Target Power State"},
        {"target_provision_state", "Target Provision State"},
        {"target_raid_config", "Target RAID configuration"},
        {"traits", "Traits"},
        {"type", "Type"},
        {"updated_at", "Updated At"},
        {"user", "User"},
        {"uuid", "UUID"},
        {"vendor_interface", "Vendor Interface"},
    };
    return labels;
}

}  // namespace

std::string field_label(std::string_view key) {
    auto it = known_labels().find(key);
    if (it != known_labels().end()) return std::string(it->second);
    std::string label;
    bool word_start = true;
    for (char c : key) {
        if (c == '_') {
            label += ' ';
            word_start = true;
            continue;
        }
        label += word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        word_start = false;
    }
    return label;
}

std::vector<Column> columns_for(const std::vector<std::string>& keys) {
    std::vector<Column> columns;
    for (const auto& k : keys) columns.push_back({k, field_label(k)});
    return columns;
}

std::vector<Column> detail_columns(const json& rows, const std::vector<std::string>& leading,
                                   const std::set<std::string>& hidden) {
    std::set<std::string> rest;
    for (const auto& row : rows)
        if (row.is_object())
            for (const auto& [k, v] : row.items()) rest.insert(k);
    std::vector<std::string> keys = leading;
    for (const auto& k : rest)
        if (!hidden.count(k) && std::find(leading.begin(), leading.end(), k) == leading.end()) keys.push_back(k);
    return columns_for(keys);
}

}  // namespace ingot::cli
