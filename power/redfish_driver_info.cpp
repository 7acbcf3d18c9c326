#include "power/redfish_driver_info.h"

#include <filesystem>

#include "common/config.h"
#include "common/strings.h"

namespace ingot::power {
namespace {

using interfaces::InvalidParameter;

std::string text_of(const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// "host", "host:port", "https://host[:port][/prefix]" -> address + prefix.
void parse_address(const std::string& raw, const std::string& node, RedfishConnection& c) {
    std::string rest = raw;
    std::string scheme = "https";
    if (auto pos = rest.find("://"); pos != std::string::npos) {
        scheme = to_lower(rest.substr(0, pos));
        rest = rest.substr(pos + 3);
    }
    const size_t slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    const bool bad_char = authority.find_first_of(" \t\r\n@?#") != std::string::npos;
    if ((scheme != "http" && scheme != "https") || authority.empty() || bad_char) {
        throw InvalidParameter("Invalid Redfish address " + raw + " set in driver_info/redfish_address on node " +
                               node);
    }
    c.address = scheme + "://" + authority;
    if (slash != std::string::npos) {
        std::string prefix = rest.substr(slash);
        while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
        if (prefix != "/") c.root_prefix = prefix;
    }
}

}  // namespace

std::vector<interfaces::PropertySpec> redfish_properties() {
    return {
        {"redfish_address",
         "The URL address to the Redfish controller. It must include the authority portion of the URL. If the "
         "scheme is missing, https is assumed. For example: https://mgmt.vendor.com. If a path is added, it will be "
         "used as the API endpoint root_prefix. Required",
         true},
        {"redfish_system_id",
         "The canonical path to the ComputerSystem resource that the driver will interact with. It should include "
         "the root service, version and the unique resource path to a ComputerSystem within the same authority as "
         "the redfish_address property. For example: /redfish/v1/Systems/1. This property is only required if "
         "target BMC manages more than one ComputerSystem. Otherwise ingot will pick the only available "
         "ComputerSystem automatically.",
         false},
        {"redfish_username", "User account with admin/server-profile access privilege. Optional", false},
        {"redfish_password", "User account password. Optional", false},
        {"redfish_verify_ca",
         "Either a Boolean value, a path to a CA_BUNDLE file or directory with certificates of trusted CAs. If set "
         "to True the driver will verify the host certificates; if False the driver will ignore verifying the SSL "
         "certificate. Defaults to True. Optional",
         false},
        {"redfish_auth_type",
         "Redfish HTTP client authentication method. Can be \"basic\", \"session\" or \"auto\". If not set, the "
         "default value is taken from the [redfish]auth_type option.",
         false},
    };
}

RedfishConnection parse_redfish_driver_info(const interfaces::Task& task) {
    const auto& info = task.driver_info();
    const std::string node = task.node_uuid();
    auto address = info.find("redfish_address");
    if (address == info.end() || !address->is_string() || address->get<std::string>().empty()) {
        throw interfaces::MissingParameter("Missing the following Redfish properties in node " + node +
                                           " driver_info: ['redfish_address']");
    }
    RedfishConnection c;
    parse_address(address->get<std::string>(), node, c);

    if (auto it = info.find("redfish_system_id"); it != info.end() && !it->is_null()) {
        if (!it->is_string() || it->get<std::string>().empty() ||
            it->get<std::string>().find_first_of(" \t\r\n?#") != std::string::npos) {
            throw InvalidParameter("Invalid value \"" + text_of(*it) +
                                   "\" set in driver_info/redfish_system_id on node " + node +
                                   ". The value should be a path (string) to the resource that the driver will "
                                   "interact with. For example: /redfish/v1/Systems/1");
        }
        c.system_id = it->get<std::string>();
    }
    if (auto it = info.find("redfish_username"); it != info.end() && it->is_string()) c.username = *it;
    if (auto it = info.find("redfish_password"); it != info.end() && it->is_string()) c.password = *it;

    if (auto it = info.find("redfish_verify_ca"); it != info.end() && !it->is_null()) {
        bool flag = true;
        if (it->is_boolean()) {
            c.verify_tls = it->get<bool>();
        } else if (it->is_string() && std::filesystem::exists(it->get<std::string>())) {
            c.ca_path = it->get<std::string>();
        } else if (it->is_string() && config::parse_bool(it->get<std::string>(), flag)) {
            c.verify_tls = flag;
        } else {
            throw InvalidParameter("Invalid value type set in driver_info/redfish_verify_ca on node " + node +
                                   ". The value should be a Boolean or the path to a file/directory, not \"" +
                                   text_of(*it) + "\"");
        }
    }
    if (auto it = info.find("redfish_auth_type"); it != info.end() && !it->is_null()) {
        const std::string type = text_of(*it);
        if (type != "basic" && type != "session" && type != "auto") {
            throw InvalidParameter("Invalid value \"" + type + "\" set in driver_info/redfish_auth_type on node " +
                                   node + ". The value should be one of \"basic\", \"session\" or \"auto\".");
        }
        c.auth_type = type;
    }
    return c;
}

}  // namespace ingot::power
