// Redfish power and management through the REST API, against a real
// ingot-vbmc process over HTTPS with a test CA: power actions, boot device,
// TLS verification, and the failures a BMC can cause (wrong password,
// nothing listening, hanging, malformed JSON), each leaving a clear
// last_error while other nodes carry on. Also power-state sync escalating a
// failing BMC to maintenance and recovering from it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <thread>

#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"
#include "tests/support/vbmc_process.h"

using namespace ingot;
using nlohmann::json;
using test::api_client;
using test::get_node;
using test::power_action;

namespace {

const char* kRedfishConfig = R"(
[DEFAULT]
enabled_hardware_types = fake-hardware,redfish
[redfish]
connection_attempts = 2
connection_retry_interval = 0
request_timeout = 3
)";

json redfish_info(const test::VbmcProcess& bmc, const std::string& system, const std::string& password = "password") {
    return {{"redfish_address", bmc.url()},
            {"redfish_system_id", "/redfish/v1/Systems/" + system},
            {"redfish_username", "admin"},
            {"redfish_password", password},
            {"redfish_verify_ca", bmc.ca_file()}};
}

std::string create_node(HttpClient& c, const std::string& name, const json& driver_info) {
    json body = {{"name", name}, {"driver", "redfish"}, {"driver_info", driver_info}};
    auto r = c.request("POST", "/v1/nodes", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(r.body).value("uuid", "");
}

std::string last_error(const json& node) {
    return node["last_error"].is_string() ? node["last_error"].get<std::string>() : "";
}

class RedfishPower : public ::testing::Test {
protected:
    RedfishPower() : bmc(bmc_options()), conductor(kRedfishConfig), c(api_client(conductor.url())) {}

    static test::VbmcOptions bmc_options() {
        test::VbmcOptions o;
        o.memory_systems = 2;
        o.fault_injection = true;
        return o;
    }

    test::VbmcProcess bmc;
    test::ConductorProcess conductor;
    HttpClient c;
};

}  // namespace

TEST_F(RedfishPower, PowerAndBootDeviceReachTheBmc) {
    create_node(c, "rf0", redfish_info(bmc, "node-0"));
    auto v = json::parse(c.request("GET", "/v1/nodes/rf0/validate").body);
    EXPECT_EQ(v["power"]["result"], true) << v.dump();
    EXPECT_EQ(v["management"]["result"], true) << v.dump();

    json n = power_action(c, "rf0", "power on");
    EXPECT_EQ(n["power_state"], "power on") << n.dump();
    EXPECT_TRUE(n["last_error"].is_null()) << n.dump();
    EXPECT_EQ(bmc.state("node-0")["power_state"], "On");

    n = power_action(c, "rf0", "power off");
    EXPECT_EQ(n["power_state"], "power off") << n.dump();
    EXPECT_EQ(bmc.state("node-0")["power_state"], "Off");

    const int boots_before = bmc.state("node-0")["power_on_count"].get<int>();
    n = power_action(c, "rf0", "rebooting");
    EXPECT_EQ(n["power_state"], "power on") << n.dump();
    EXPECT_EQ(bmc.state("node-0")["power_state"], "On");
    EXPECT_EQ(bmc.state("node-0")["power_on_count"].get<int>(), boots_before + 1);

    n = power_action(c, "rf0", "soft power off");
    EXPECT_EQ(n["power_state"], "power off") << n.dump();
    EXPECT_EQ(bmc.state("node-0")["last_reset"], "GracefulShutdown");

    auto r = c.request("PUT", "/v1/nodes/rf0/management/boot_device", R"({"boot_device": "pxe", "persistent": true})");
    ASSERT_EQ(r.status, 204) << r.body;
    json boot = bmc.state("node-0")["boot"];
    EXPECT_EQ(boot["target"], "Pxe");
    EXPECT_EQ(boot["enabled"], "Continuous");
    EXPECT_EQ(boot["mode"], "UEFI");  // Ingot's default boot mode
    r = c.request("GET", "/v1/nodes/rf0/management/boot_device");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body), json({{"boot_device", "pxe"}, {"persistent", true}}));

    r = c.request("PUT", "/v1/nodes/rf0/management/boot_device", R"({"boot_device": "disk"})");
    ASSERT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(bmc.state("node-0")["boot"]["target"], "Hdd");
    EXPECT_EQ(bmc.state("node-0")["boot"]["enabled"], "Once");
    r = c.request("GET", "/v1/nodes/rf0/management/boot_device/supported");
    EXPECT_EQ(json::parse(r.body)["supported_boot_devices"], json({"pxe", "disk", "cdrom", "bios"}));

    // The password never leaves the conductor.
    EXPECT_EQ(get_node(c, "rf0")["driver_info"]["redfish_password"], "******");
    EXPECT_EQ(conductor.log().find("\"password\""), std::string::npos);
    EXPECT_EQ(conductor.log().find("=password"), std::string::npos);
}

TEST_F(RedfishPower, TheOnlySystemIsFoundWithoutASystemId) {
    test::VbmcOptions o;
    o.memory_systems = 1;
    test::VbmcProcess single(o);
    json info = redfish_info(single, "x");
    info.erase("redfish_system_id");
    create_node(c, "single", info);
    EXPECT_EQ(power_action(c, "single", "power on")["power_state"], "power on");
    EXPECT_EQ(single.state("node-0")["power_state"], "On");

    // Two systems and no id: the error lists them.
    json ambiguous = redfish_info(bmc, "x");
    ambiguous.erase("redfish_system_id");
    create_node(c, "ambiguous", ambiguous);
    json n = power_action(c, "ambiguous", "power on");
    EXPECT_NE(last_error(n).find("manages 2 systems; set driver_info/redfish_system_id to one of: "
                                 "/redfish/v1/Systems/node-0, /redfish/v1/Systems/node-1"),
              std::string::npos)
        << last_error(n);
}

TEST_F(RedfishPower, CertificatesAreVerified) {
    json info = redfish_info(bmc, "node-0");
    info.erase("redfish_verify_ca");  // the system's CAs do not know the test CA
    create_node(c, "untrusted", info);
    json n = power_action(c, "untrusted", "power on");
    EXPECT_EQ(n["power_state"], nullptr);
    EXPECT_NE(last_error(n).find("TLS verification of " + bmc.url()), std::string::npos) << last_error(n);
    EXPECT_EQ(bmc.state("node-0")["power_state"], "Off");

    info["redfish_verify_ca"] = false;  // the operator's explicit choice
    create_node(c, "insecure", info);
    EXPECT_EQ(power_action(c, "insecure", "power on")["power_state"], "power on");
}

TEST_F(RedfishPower, BmcFailuresAreReportedAndOtherNodesCarryOn) {
    create_node(c, "wrong-password", redfish_info(bmc, "node-0", "not-the-password"));
    json n = power_action(c, "wrong-password", "power on");
    EXPECT_TRUE(n["power_state"].is_null());
    EXPECT_NE(last_error(n).find("the credentials were refused (check redfish_username and redfish_password)"),
              std::string::npos)
        << last_error(n);
    EXPECT_EQ(last_error(n).find("not-the-password"), std::string::npos);

    json dead = redfish_info(bmc, "node-0");
    dead["redfish_address"] = "https://127.0.0.1:" + std::to_string(test::free_port());
    create_node(c, "unreachable", dead);
    n = power_action(c, "unreachable", "power on");
    EXPECT_NE(last_error(n).find("Cannot reach Redfish BMC https://127.0.0.1:"), std::string::npos) << last_error(n);

    create_node(c, "broken", redfish_info(bmc, "node-0"));
    bmc.set_fault("node-0", "malformed-json");
    n = power_action(c, "broken", "power on");
    EXPECT_NE(last_error(n).find("with malformed JSON"), std::string::npos) << last_error(n);

    // A hanging BMC holds its own node's action only until the request
    // timeout, while another node behind the same BMC powers on.
    create_node(c, "healthy", redfish_info(bmc, "node-1"));
    bmc.set_fault("node-0", "hang");
    auto r = c.request("PUT", "/v1/nodes/broken/states/power", R"({"target": "power on"})");
    ASSERT_EQ(r.status, 202) << r.body;
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(power_action(c, "healthy", "power on")["power_state"], "power on");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
    n = test::wait_for_power_action(c, "broken");
    EXPECT_NE(last_error(n).find("did not answer"), std::string::npos) << last_error(n);
    EXPECT_EQ(bmc.state("node-1")["power_state"], "On");
    bmc.set_fault("node-0", "none");
    EXPECT_EQ(c.request("GET", "/v1/nodes").status, 200);
}

TEST(RedfishPowerSync, AFailingBmcGoesToMaintenanceAndComesBack) {
    test::VbmcOptions o;
    o.memory_systems = 2;
    o.fault_injection = true;
    test::VbmcProcess bmc(o);
    test::ConductorProcess conductor(std::string(kRedfishConfig) + R"(
[conductor]
sync_power_state_interval = 1
power_state_sync_max_retries = 1
power_failure_recovery_interval = 1
force_power_state_during_sync = false
)");
    auto c = api_client(conductor.url());
    create_node(c, "failing", redfish_info(bmc, "node-0"));
    create_node(c, "steady", redfish_info(bmc, "node-1"));
    // Nodes in enroll are not synced (as Ironic): make them manageable.
    ASSERT_EQ(test::provision_action(c, "failing", "manage")["provision_state"], "manageable");
    ASSERT_EQ(test::provision_action(c, "steady", "manage")["provision_state"], "manageable");
    ASSERT_EQ(power_action(c, "failing", "power off")["power_state"], "power off");
    ASSERT_EQ(power_action(c, "steady", "power off")["power_state"], "power off");

    bmc.set_fault("node-0", "error-500");
    json n;
    for (int i = 0; i < 150; ++i) {
        n = get_node(c, "failing");
        if (n["maintenance"] == true) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(n["maintenance"], true) << n.dump();
    EXPECT_EQ(n["fault"], "power failure");
    EXPECT_TRUE(n["power_state"].is_null());
    EXPECT_NE(n["maintenance_reason"].get<std::string>().find("HTTP 500"), std::string::npos) << n.dump();

    // Meanwhile the other node is still synced: a change made behind
    // Ingot's back is recorded.
    auto rf = bmc.client();
    auto r = rf.request("POST", "/redfish/v1/Systems/node-1/Actions/ComputerSystem.Reset", R"({"ResetType": "On"})");
    ASSERT_LT(r.status, 300) << r.body;
    json steady;
    for (int i = 0; i < 100; ++i) {
        steady = get_node(c, "steady");
        if (steady["power_state"] == "power on") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(steady["power_state"], "power on");
    EXPECT_EQ(steady["maintenance"], false);

    bmc.set_fault("node-0", "none");
    for (int i = 0; i < 100; ++i) {
        n = get_node(c, "failing");
        if (n["maintenance"] == false) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(n["maintenance"], false) << n.dump();
    EXPECT_TRUE(n["fault"].is_null());
    EXPECT_EQ(n["power_state"], "power off");
    auto history = json::parse(c.request("GET", "/v1/nodes/failing/history").body)["history"];
    bool escalated = false, recovered = false;
    for (const auto& h : history) {
        const std::string event = h["event"];
        escalated |= event.find("max retries exceeded") != std::string::npos;
        recovered |= event.find("recovered from power failure") != std::string::npos;
    }
    EXPECT_TRUE(escalated && recovered) << history.dump();
}
