// The driver_info keys of the ipmitool interfaces, as Ironic names and
// validates them, and the connection they describe.
#pragma once

#include <string>
#include <vector>

#include "interfaces/base_interface.h"

namespace ingot::power {

inline constexpr int kIpmiDefaultPort = 623;
inline constexpr int kIpmiDefaultCipherSuite = 3;

// Everything ipmitool needs to reach one BMC.
struct IpmiConnection {
    std::string address;
    int port = kIpmiDefaultPort;
    std::string username;  // empty: the NULL user
    std::string password;  // never on a command line, never logged
    std::string priv_level = "ADMINISTRATOR";
    std::string protocol_version = "2.0";  // "2.0": lanplus, "1.5": lan
    int cipher_suite = kIpmiDefaultCipherSuite;
    std::string bridging = "no";  // "no", "single" or "dual"
    // Bridging addresses and channels, passed to ipmitool as written
    // (e.g. "0x82"); empty when not used.
    std::string local_address;    // -m
    std::string transit_channel;  // -B
    std::string transit_address;  // -T
    std::string target_channel;   // -b
    std::string target_address;   // -t
    bool disable_boot_timeout = true;

    // "address:port": how messages name the BMC, and the key that serialises
    // commands to it.
    std::string endpoint() const;
};

std::vector<interfaces::PropertySpec> ipmitool_properties();

// Validates driver_info as Ironic does and returns the connection; throws
// MissingParameter or InvalidParameter naming the key. `disable_boot_timeout`
// is the default for a node without ipmi_disable_boot_timeout.
IpmiConnection parse_ipmitool_driver_info(const interfaces::Task& task, bool disable_boot_timeout = true);

}  // namespace ingot::power
