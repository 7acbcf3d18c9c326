#include "power/ipmitool_driver_info.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/config.h"
#include "common/strings.h"

namespace ingot::power {
namespace {

using interfaces::InvalidParameter;
using interfaces::Task;
using nlohmann::json;

// A driver_info value as text: strings as they are, numbers as written.
std::string text_of(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string optional_text(const json& info, const char* key) {
    auto it = info.find(key);
    return it == info.end() || it->is_null() ? std::string() : text_of(*it);
}

void check_choice(const json& info, const char* key, const std::vector<std::string>& allowed) {
    if (!info.contains(key)) return;
    std::string text = text_of(info[key]);
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end())
        throw InvalidParameter(std::string("Invalid ") + key + " \"" + text +
                               "\", it must be one of: " + join(allowed, ", ") + ".");
}

// The value of an integer key (a JSON number or a decimal string), or
// `fallback` when absent.
int integer_of(const json& info, const char* key, long long min, long long max, int fallback) {
    if (!info.contains(key) || info[key].is_null()) return fallback;
    const auto& v = info[key];
    long long n = 0;
    bool ok =
        v.is_number_integer() ? (n = v.get<long long>(), true) : (v.is_string() && parse_int(v.get<std::string>(), n));
    if (!ok || n < min || n > max)
        throw InvalidParameter(std::string("Invalid ") + key + " " + v.dump() + ": it must be an integer between " +
                               std::to_string(min) + " and " + std::to_string(max) + ".");
    return static_cast<int>(n);
}

// A bridging channel or IPMB address: what ipmitool accepts, a byte written
// in decimal or hexadecimal ("0x82").
std::string byte_of(const json& info, const char* key) {
    std::string text = optional_text(info, key);
    if (text.empty()) return text;
    char* end = nullptr;
    long n = std::strtol(text.c_str(), &end, 0);
    if (end == text.c_str() || *end != '\0' || n < 0 || n > 255 || text[0] == '-' || text[0] == '+')
        throw InvalidParameter(std::string("Invalid ") + key + " \"" + text +
                               "\": it must be a number between 0 and 255 (decimal or 0x hexadecimal).");
    return text;
}

// RFC 1123 host names: labels of letters, digits and inner hyphens.
bool hostname_safe(const std::string& name) {
    if (name.empty() || name.size() > 253) return false;
    for (const auto& label : split(name.back() == '.' ? name.substr(0, name.size() - 1) : name, '.')) {
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    return true;
}

bool ip_literal(const std::string& address) {
    unsigned char buf[16];
    return inet_pton(AF_INET, address.c_str(), buf) == 1 || inet_pton(AF_INET6, address.c_str(), buf) == 1;
}

}  // namespace

std::string IpmiConnection::endpoint() const {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

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
        {"ipmi_local_address",
         "local IPMB address for bridged requests. Used only if ipmi_bridging is set to \"single\" or \"dual\". "
         "Optional.",
         false},
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
        {"ipmi_disable_boot_timeout",
         "By default ingot sends a raw IPMI command to disable the 60 second timeout for booting. Setting this "
         "option to False will NOT send that command on this node. The [ipmi]disable_boot_timeout will be used if "
         "this option is not set. Optional.",
         false},
    };
}

IpmiConnection parse_ipmitool_driver_info(const Task& task, bool disable_boot_timeout) {
    interfaces::require_properties(task, ipmitool_properties(), "IPMI credentials");
    const auto& info = task.driver_info();
    IpmiConnection c;

    c.address = optional_text(info, "ipmi_address");
    if (!ip_literal(c.address) && !hostname_safe(c.address))
        throw InvalidParameter("Invalid IPMI address \"" + c.address + "\" for node " + task.node_uuid() +
                               ". Must be a valid IP address or hostname.");
    c.port = integer_of(info, "ipmi_port", 1, 65535, kIpmiDefaultPort);

    check_choice(info, "ipmi_priv_level", {"ADMINISTRATOR", "CALLBACK", "OPERATOR", "USER"});
    check_choice(info, "ipmi_protocol_version", {"1.5", "2.0"});
    check_choice(info, "ipmi_bridging", {"no", "single", "dual"});
    c.username = optional_text(info, "ipmi_username");
    c.password = optional_text(info, "ipmi_password");
    if (info.contains("ipmi_priv_level")) c.priv_level = text_of(info["ipmi_priv_level"]);
    if (info.contains("ipmi_protocol_version")) c.protocol_version = text_of(info["ipmi_protocol_version"]);
    c.cipher_suite = integer_of(info, "ipmi_cipher_suite", 0, 17, kIpmiDefaultCipherSuite);
    if (c.protocol_version == "1.5" && info.contains("ipmi_cipher_suite"))
        throw InvalidParameter("Cipher suites cannot be used with IPMI 1.5 (ipmi_protocol_version).");

    c.bridging = info.contains("ipmi_bridging") ? text_of(info["ipmi_bridging"]) : "no";
    std::vector<std::string> needed;
    if (c.bridging == "single" || c.bridging == "dual") needed = {"ipmi_target_channel", "ipmi_target_address"};
    if (c.bridging == "dual") needed.insert(needed.end(), {"ipmi_transit_channel", "ipmi_transit_address"});
    for (const auto& key : needed)
        if (!info.contains(key))
            throw interfaces::MissingParameter("ipmi_bridging is \"" + c.bridging + "\" but " + key + " is missing.");
    if (c.bridging != "no") {
        c.local_address = byte_of(info, "ipmi_local_address");
        c.target_channel = byte_of(info, "ipmi_target_channel");
        c.target_address = byte_of(info, "ipmi_target_address");
    }
    if (c.bridging == "dual") {
        c.transit_channel = byte_of(info, "ipmi_transit_channel");
        c.transit_address = byte_of(info, "ipmi_transit_address");
    }

    c.disable_boot_timeout = disable_boot_timeout;
    if (info.contains("ipmi_disable_boot_timeout") && !info["ipmi_disable_boot_timeout"].is_null()) {
        const auto& v = info["ipmi_disable_boot_timeout"];
        bool flag = false;
        if (v.is_boolean())
            flag = v.get<bool>();
        else if (!v.is_string() || !config::parse_bool(v.get<std::string>(), flag))
            throw InvalidParameter("Invalid ipmi_disable_boot_timeout " + v.dump() + ": it must be a boolean.");
        c.disable_boot_timeout = flag;
    }
    return c;
}

}  // namespace ingot::power
