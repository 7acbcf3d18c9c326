// The Redfish driver_info keys (Ironic's names and messages) and what they
// mean once parsed: where the BMC is, how to authenticate and how to check
// its certificate.
#pragma once

#include <string>
#include <vector>

#include "interfaces/base_interface.h"

namespace ingot::power {

struct RedfishConnection {
    std::string address;                      // "https://host:port", no path
    std::string root_prefix = "/redfish/v1";  // the service root's path
    std::string system_id;                    // a path like /redfish/v1/Systems/1; empty: the only system
    std::string username;
    std::string password;
    bool verify_tls = true;
    std::string ca_path;    // file or directory; empty: the system's CAs
    std::string auth_type;  // basic, session or auto (session, else basic); empty: [redfish]auth_type
};

std::vector<interfaces::PropertySpec> redfish_properties();

// Throws MissingParameter / InvalidParameter naming the key and the node.
RedfishConnection parse_redfish_driver_info(const interfaces::Task& task);

}  // namespace ingot::power
