#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "conductor/builtin_plugins.h"
#include "conductor/driver_composition.h"
#include "conductor/options.h"

using namespace ingot;
using nlohmann::json;

namespace {

struct Fixture {
    interfaces::Registry registry;
    config::Config config{conductor::conductor_options()};
    Fixture() { conductor::register_builtin_plugins(registry); }
    conductor::DriverComposition compose() { return conductor::DriverComposition(registry, config); }
};

std::string config_error(Fixture& f) {
    try {
        f.compose();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(DriverComposition, DefaultsAreTheFirstEnabledSupported) {
    Fixture f;
    auto d = f.compose();
    EXPECT_EQ(d.hardware_types(), (std::vector<std::string>{"fake-hardware", "ipmi"}));
    EXPECT_EQ(d.default_interface("ipmi", "boot"), "ipxe");
    EXPECT_EQ(d.default_interface("ipmi", "network"), "flat");
    EXPECT_EQ(d.default_interface("fake-hardware", "network"), "noop");
    EXPECT_EQ(d.enabled_interfaces("fake-hardware", "deploy"), (std::vector<std::string>{"fake", "direct"}));
}

TEST(DriverComposition, ConfiguredDefaultWinsWhenSupported) {
    Fixture f;
    f.config.set("DEFAULT", "default_boot_interface", "pxe");
    auto d = f.compose();
    EXPECT_EQ(d.default_interface("ipmi", "boot"), "pxe");
    EXPECT_EQ(d.default_interface("fake-hardware", "boot"), "pxe");
}

TEST(DriverComposition, NodesGetDefaultsAndBadChoicesAreRefused) {
    Fixture f;
    auto d = f.compose();
    json node = {{"driver", "ipmi"}, {"deploy_interface", "direct"}};
    d.compose(node, false);
    EXPECT_EQ(node["power_interface"], "ipmitool");
    EXPECT_EQ(node["vendor_interface"], "ipmitool");
    json unsupported = {{"driver", "ipmi"}, {"power_interface", "fake"}};
    EXPECT_THROW(d.compose(unsupported, false), InvalidInput);
    json unknown = {{"driver", "ipmi"}, {"boot_interface", "http"}};
    EXPECT_THROW(d.compose(unknown, false), InvalidInput);
    // A driver change resets what the new type cannot use.
    json changed = {{"driver", "ipmi"}, {"power_interface", "fake"}, {"boot_interface", "pxe"}};
    d.compose(changed, true);
    EXPECT_EQ(changed["power_interface"], "ipmitool");
    EXPECT_EQ(changed["boot_interface"], "pxe");
    json bad_driver = {{"driver", "redfish"}};
    EXPECT_THROW(d.compose(bad_driver, false), InvalidInput);
}

TEST(DriverComposition, ValidateReportsPerInterface) {
    Fixture f;
    auto d = f.compose();
    json node = {{"driver", "ipmi"}, {"driver_info", json::object()}};
    d.compose(node, false);
    std::map<std::string, conductor::InterfaceCheck> checks;
    for (auto& c : d.validate(node)) checks[c.kind] = c;
    EXPECT_FALSE(checks["power"].ok);
    EXPECT_EQ(checks["power"].reason,
              "Missing the following IPMI credentials in node's driver_info: ['ipmi_address'].");
    EXPECT_FALSE(checks["boot"].ok);
    EXPECT_NE(checks["boot"].reason.find("'deploy_kernel', 'deploy_ramdisk'"), std::string::npos);
    EXPECT_FALSE(checks["console"].ok);
    EXPECT_EQ(checks["console"].reason, "Driver ipmi does not support console (disabled or not implemented).");
    EXPECT_TRUE(checks["network"].ok);
    EXPECT_EQ(checks.count("vendor"), 0u);
    node["driver_info"] = {{"ipmi_address", "10.0.0.1"}, {"ipmi_port", "99999"}};
    for (auto& c : d.validate(node))
        if (c.kind == "power") EXPECT_NE(c.reason.find("Invalid ipmi_port"), std::string::npos) << c.reason;
}

TEST(DriverComposition, BadConfigurationNamesTheOption) {
    {
        Fixture f;
        f.config.set("DEFAULT", "enabled_boot_interfaces", "fake,warp");
        EXPECT_NE(config_error(f).find("enabled_boot_interfaces: no boot interface named 'warp'"), std::string::npos);
    }
    {
        Fixture f;
        f.config.set("DEFAULT", "default_deploy_interface", "direct");
        f.config.set("DEFAULT", "enabled_deploy_interfaces", "fake");
        EXPECT_NE(config_error(f).find("default_deploy_interface: 'direct' is not in enabled_deploy_interfaces"),
                  std::string::npos);
    }
    {
        Fixture f;
        f.config.set("DEFAULT", "enabled_hardware_types", "fake-hardware,redfish");
        f.config.set("DEFAULT", "enabled_management_interfaces", "fake,ipmitool");
        EXPECT_NE(config_error(f).find("hardware type redfish supports none of the enabled management interfaces"),
                  std::string::npos);
    }
    {
        Fixture f;
        f.config.set("DEFAULT", "enabled_hardware_types", "nope");
        EXPECT_NE(config_error(f).find("unknown hardware type 'nope'"), std::string::npos);
    }
}
