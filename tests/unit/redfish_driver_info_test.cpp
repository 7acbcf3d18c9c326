// Parsing Redfish driver_info as Ironic does, and the Ironic <-> Redfish
// name mappings.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "interfaces/boot_mode.h"
#include "power/redfish_driver_info.h"
#include "power/redfish_system.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

interfaces::Task node_with(json driver_info, json extra = json::object()) {
    json node = {{"uuid", "1be26c0b-03f2-4d2e-ae87-c02d7f33c123"}, {"driver_info", std::move(driver_info)}};
    node.update(extra);
    return interfaces::Task(node);
}

template <typename E>
std::string error_of(const json& info) {
    try {
        power::parse_redfish_driver_info(node_with(info));
    } catch (const E& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(RedfishDriverInfo, AddressDefaultsToHttpsAndKeepsAPrefix) {
    auto c = power::parse_redfish_driver_info(node_with({{"redfish_address", "bmc.example.com:8443"}}));
    EXPECT_EQ(c.address, "https://bmc.example.com:8443");
    EXPECT_EQ(c.root_prefix, "/redfish/v1");
    EXPECT_TRUE(c.verify_tls);
    EXPECT_EQ(c.auth_type, "");  // the [redfish]auth_type option decides

    c = power::parse_redfish_driver_info(node_with({{"redfish_address", "http://10.0.0.1/custom/v1/"},
                                                    {"redfish_system_id", "/custom/v1/Systems/42"},
                                                    {"redfish_auth_type", "basic"},
                                                    {"redfish_username", "admin"},
                                                    {"redfish_password", "secret"}}));
    EXPECT_EQ(c.address, "http://10.0.0.1");
    EXPECT_EQ(c.root_prefix, "/custom/v1");
    EXPECT_EQ(c.system_id, "/custom/v1/Systems/42");
    EXPECT_EQ(c.auth_type, "basic");
    EXPECT_EQ(c.username, "admin");
}

TEST(RedfishDriverInfo, VerifyCaIsABooleanOrAnExistingPath) {
    test::TempDir dir;
    EXPECT_FALSE(power::parse_redfish_driver_info(node_with({{"redfish_address", "h"}, {"redfish_verify_ca", false}}))
                     .verify_tls);
    EXPECT_FALSE(power::parse_redfish_driver_info(node_with({{"redfish_address", "h"}, {"redfish_verify_ca", "False"}}))
                     .verify_tls);
    auto c = power::parse_redfish_driver_info(node_with({{"redfish_address", "h"}, {"redfish_verify_ca", dir.path()}}));
    EXPECT_TRUE(c.verify_tls);
    EXPECT_EQ(c.ca_path, dir.path());
    EXPECT_NE(
        error_of<interfaces::InvalidParameter>({{"redfish_address", "h"}, {"redfish_verify_ca", "/no/such/ca.pem"}})
            .find("The value should be a Boolean or the path to a file/directory, not \"/no/such/ca.pem\""),
        std::string::npos);
}

TEST(RedfishDriverInfo, ErrorsNameTheKeyAndTheNode) {
    EXPECT_EQ(error_of<interfaces::MissingParameter>({{"redfish_username", "u"}}),
              "Missing the following Redfish properties in node 1be26c0b-03f2-4d2e-ae87-c02d7f33c123 driver_info: "
              "['redfish_address']");
    EXPECT_NE(error_of<interfaces::InvalidParameter>({{"redfish_address", "ftp://bmc"}})
                  .find("Invalid Redfish address ftp://bmc set in driver_info/redfish_address"),
              std::string::npos);
    EXPECT_NE(error_of<interfaces::InvalidParameter>({{"redfish_address", "h"}, {"redfish_auth_type", "digest"}})
                  .find("\"digest\" set in driver_info/redfish_auth_type"),
              std::string::npos);
    EXPECT_NE(error_of<interfaces::InvalidParameter>({{"redfish_address", "h"}, {"redfish_system_id", 7}})
                  .find("driver_info/redfish_system_id"),
              std::string::npos);
}

TEST(RedfishNames, BootDevicesMapBothWays) {
    for (const char* device : {"pxe", "disk", "cdrom", "bios"}) {
        auto target = power::redfish_boot_target(device);
        ASSERT_TRUE(target) << device;
        EXPECT_EQ(power::ironic_boot_device(*target), device);
    }
    EXPECT_FALSE(power::redfish_boot_target("floppy"));
    EXPECT_FALSE(power::ironic_boot_device("UefiHttp"));
}

TEST(BootMode, InstanceInfoThenCapabilityThenDefault) {
    EXPECT_EQ(interfaces::boot_mode(node_with(json::object())), "uefi");
    EXPECT_EQ(interfaces::boot_mode(node_with(json::object()), "bios"), "bios");
    EXPECT_EQ(interfaces::boot_mode(
                  node_with(json::object(), {{"properties", {{"capabilities", "secure_boot:false,boot_mode:bios"}}}})),
              "bios");
    EXPECT_EQ(
        interfaces::boot_mode(node_with(json::object(), {{"properties", {{"capabilities", {{"boot_mode", "bios"}}}}},
                                                         {"instance_info", {{"deploy_boot_mode", "uefi"}}}})),
        "uefi");
}
