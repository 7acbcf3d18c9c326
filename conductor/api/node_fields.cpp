#include "conductor/api/node_fields.h"

namespace ingot::api {

const std::vector<FieldSpec>& node_fields() {
    using T = FieldType;
    // name, since 1.x, creatable, patchable, type, nullable
    static const std::vector<FieldSpec> fields = {
        {"uuid", 1, true, false, T::uuid, false},
        {"name", 5, true, true, T::string, true},
        {"driver", 1, true, true, T::string, false},
        {"driver_info", 1, true, true, T::object, false},
        {"driver_internal_info", 3, false, false, T::object, false},
        {"instance_uuid", 1, true, true, T::uuid, true},
        {"instance_info", 1, true, true, T::object, false},
        {"properties", 1, true, true, T::object, false},
        {"extra", 1, true, true, T::object, false},
        {"chassis_uuid", 1, true, true, T::uuid, true},
        {"power_state", 1, false, false, T::string, true},
        {"target_power_state", 1, false, false, T::string, true},
        {"provision_state", 1, false, false, T::string, true},
        {"target_provision_state", 1, false, false, T::string, true},
        {"provision_updated_at", 1, false, false, T::string, true},
        {"last_error", 1, false, false, T::string, true},
        {"maintenance", 1, true, true, T::boolean, false},
        {"maintenance_reason", 1, false, false, T::string, true},
        {"reservation", 1, false, false, T::string, true},
        {"console_enabled", 1, true, false, T::boolean, false},
        {"created_at", 1, false, false, T::string, false},
        {"updated_at", 1, false, false, T::string, true},
        {"inspection_started_at", 6, false, false, T::string, true},
        {"inspection_finished_at", 6, false, false, T::string, true},
        {"clean_step", 7, false, false, T::object, false},
        {"raid_config", 12, false, false, T::object, false},
        {"target_raid_config", 12, false, false, T::object, false},
        {"network_interface", 20, true, true, T::string, true},
        {"resource_class", 21, true, true, T::string, true},
        {"boot_interface", 31, true, true, T::string, true},
        {"console_interface", 31, true, true, T::string, true},
        {"deploy_interface", 31, true, true, T::string, true},
        {"inspect_interface", 31, true, true, T::string, true},
        {"management_interface", 31, true, true, T::string, true},
        {"power_interface", 31, true, true, T::string, true},
        {"raid_interface", 31, true, true, T::string, true},
        {"vendor_interface", 31, true, true, T::string, true},
        {"storage_interface", 33, true, true, T::string, true},
        {"traits", 37, false, false, T::string_list, false},
        {"rescue_interface", 38, true, true, T::string, true},
        {"bios_interface", 40, true, true, T::string, true},
        {"fault", 42, false, false, T::string, true},
        {"deploy_step", 44, false, false, T::object, false},
        {"conductor_group", 46, true, true, T::string, false},
        {"automated_clean", 47, true, true, T::boolean, true},
        {"protected", 48, false, true, T::boolean, false},
        {"protected_reason", 48, false, true, T::string, true},
        {"conductor", 49, false, false, T::string, true},
        {"owner", 50, true, true, T::string, true},
        {"description", 51, true, true, T::string, true},
        {"allocation_uuid", 52, false, false, T::uuid, true},
        {"retired", 61, true, true, T::boolean, false},
        {"retired_reason", 61, true, true, T::string, true},
        {"lessee", 65, true, true, T::string, true},
        {"network_data", 66, true, true, T::object, false},
        {"boot_mode", 75, true, false, T::string, true},
        {"secure_boot", 75, true, false, T::boolean, true},
        {"shard", 82, true, true, T::string, true},
    };
    return fields;
}

const FieldSpec* find_node_field(const std::string& name) {
    for (const auto& f : node_fields())
        if (f.name == name) return &f;
    return nullptr;
}

const std::vector<std::string>& node_default_list_fields() {
    static const std::vector<std::string> fields = {"instance_uuid",   "maintenance", "power_state",
                                                    "provision_state", "uuid",        "name"};
    return fields;
}

}  // namespace ingot::api
