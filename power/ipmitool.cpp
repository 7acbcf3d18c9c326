#include "power/ipmitool.h"

#include <algorithm>

#include "common/strings.h"

namespace ingot::power {
namespace {

using interfaces::InvalidParameter;
using interfaces::Task;

[[noreturn]] void not_available(const Task& task) {
    throw interfaces::UnsupportedOperation("ipmitool cannot reach the BMC of node " + task.node_uuid() +
                                           " yet: IPMI commands are not implemented in this Ingot release.");
}

void check_choice(const nlohmann::json& info, const char* key, const std::vector<std::string>& allowed) {
    if (!info.contains(key)) return;
    const auto& v = info[key];
    std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end())
        throw InvalidParameter(std::string("Invalid ") + key + " \"" + text +
                               "\", it must be one of: " + join(allowed, ", ") + ".");
}

void check_integer(const nlohmann::json& info, const char* key, long long min, long long max) {
    if (!info.contains(key)) return;
    const auto& v = info[key];
    long long n = 0;
    bool ok =
        v.is_number_integer() ? (n = v.get<long long>(), true) : (v.is_string() && parse_int(v.get<std::string>(), n));
    if (!ok || n < min || n > max)
        throw InvalidParameter(std::string("Invalid ") + key + " " + v.dump() + ": it must be an integer between " +
                               std::to_string(min) + " and " + std::to_string(max) + ".");
}

}  // namespace

std::vector<interfaces::PropertySpec> ipmitool_properties() {
    return {
        {"ipmi_address", "IP address or hostname of the node. Required.", true},
        {"ipmi_port", "Remote IPMI RMCP port. Optional.", false},
        {"ipmi_username", "username; default is NULL user. Optional.", false},
        {"ipmi_password", "password. Optional.", false},
        {"ipmi_priv_level",
         "privilege level; default is ADMINISTRATOR. One of ADMINISTRATOR, CALLBACK, OPERATOR, USER. Optional.", false},
        {"ipmi_protocol_version",
         "the version of the IPMI protocol; default is \"2.0\". One of \"1.5\", \"2.0\". Optional.", false},
        {"ipmi_cipher_suite", "The number of a cipher suite to use; default is 3. Optional.", false},
        {"ipmi_bridging", "bridging_type; default is \"no\". One of \"single\", \"dual\", \"no\". Optional.", false},
        {"ipmi_transit_channel",
         "transit channel for bridged request. Required only if ipmi_bridging is set to \"dual\".", false},
        {"ipmi_transit_address",
         "transit address for bridged request. Required only if ipmi_bridging is set to \"dual\".", false},
        {"ipmi_target_channel",
         "destination channel for bridged request. Required only if ipmi_bridging is set to "
         "\"single\" or \"dual\".",
         false},
        {"ipmi_target_address",
         "destination address for bridged request. Required only if ipmi_bridging is set to "
         "\"single\" or \"dual\".",
         false},
    };
}

void validate_ipmitool(const Task& task) {
    interfaces::require_properties(task, ipmitool_properties(), "IPMI credentials");
    const auto& info = task.driver_info();
    check_integer(info, "ipmi_port", 1, 65535);
    check_integer(info, "ipmi_cipher_suite", 0, 17);
    check_choice(info, "ipmi_priv_level", {"ADMINISTRATOR", "CALLBACK", "OPERATOR", "USER"});
    check_choice(info, "ipmi_protocol_version", {"1.5", "2.0"});
    check_choice(info, "ipmi_bridging", {"no", "single", "dual"});
    const std::string bridging = info.value("ipmi_bridging", "no");
    std::vector<std::string> needed;
    if (bridging == "single" || bridging == "dual") needed = {"ipmi_target_channel", "ipmi_target_address"};
    if (bridging == "dual") needed.insert(needed.end(), {"ipmi_transit_channel", "ipmi_transit_address"});
    for (const auto& key : needed)
        if (!info.contains(key))
            throw interfaces::MissingParameter("ipmi_bridging is \"" + bridging + "\" but " + key + " is missing.");
}

std::string IpmitoolPower::get_power_state(Task& task) {
    not_available(task);
}
void IpmitoolPower::set_power_state(Task& task, const std::string&, std::chrono::seconds) {
    not_available(task);
}
void IpmitoolPower::reboot(Task& task, std::chrono::seconds) {
    not_available(task);
}

void IpmitoolManagement::set_boot_device(Task& task, const std::string&, bool) {
    not_available(task);
}
interfaces::BootDevice IpmitoolManagement::get_boot_device(Task& task) {
    not_available(task);
}
std::vector<std::string> IpmitoolManagement::get_supported_boot_devices(const Task&) const {
    return {interfaces::kBootPxe, interfaces::kBootDisk, interfaces::kBootCdrom, interfaces::kBootBios};
}

}  // namespace ingot::power
