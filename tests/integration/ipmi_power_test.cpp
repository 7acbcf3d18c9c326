// IPMI power and boot devices end to end: a real conductor drives real BMCs
// (OpenIPMI's ipmi_sim) through Debian's ipmitool, over the REST API. Also
// what happens when a BMC refuses the password, is not there, or hangs:
// the action fails with a clear last_error within the configured timeouts,
// and the other nodes are not held up.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/http_client.h"
#include "tests/support/conductor_process.h"
#include "tests/support/ipmi_sim.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Power sync is off so that only the test talks to the BMCs; retries are
// short so the failure tests end quickly.
const char* kConfig =
    "[conductor]\nsync_power_state_interval = 0\n"
    "[ipmi]\nmin_command_interval = 0\ncommand_retry_timeout = 3\ncommand_timeout = 10\n";

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

class IpmiPowerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (test::IpmiSim::available()) conductor_ = new test::ConductorProcess(kConfig);
    }
    static void TearDownTestSuite() {
        delete conductor_;
        conductor_ = nullptr;
    }
    void SetUp() override {
        if (!test::IpmiSim::available()) GTEST_SKIP() << test::IpmiSim::kNotInstalled;
    }

    static HttpClient api() { return test::api_client(conductor_->url()); }

    static std::string create_node(const std::string& name, const json& driver_info) {
        auto r = api().request("POST", "/v1/nodes",
                               json{{"driver", "ipmi"}, {"name", name}, {"driver_info", driver_info}}.dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body).value("uuid", "");
    }

    static json get_node(const std::string& node) {
        auto c = api();
        return test::get_node(c, node);
    }

    static HttpResponse request_power(const std::string& node, const std::string& target) {
        return api().request("PUT", "/v1/nodes/" + node + "/states/power", json{{"target", target}}.dump());
    }

    static json wait_power(const std::string& node) {
        auto c = api();
        json n = test::wait_for_power_action(c, node);
        EXPECT_TRUE(n["target_power_state"].is_null()) << "power action never ended: " << n.dump();
        return n;
    }

    // Requests `target` and waits for the end of the action.
    static json power(const std::string& node, const std::string& target) {
        auto r = request_power(node, target);
        EXPECT_EQ(r.status, 202) << r.body;
        return wait_power(node);
    }

    static std::string last_error(const json& n) {
        return n["last_error"].is_string() ? n["last_error"].get<std::string>() : "";
    }

    static test::ConductorProcess* conductor_;
};
test::ConductorProcess* IpmiPowerTest::conductor_ = nullptr;

}  // namespace

TEST_F(IpmiPowerTest, PowerOnOffAndRebootThroughTheApi) {
    test::IpmiSim bmc;
    const std::string uuid = create_node("ipmi-power", bmc.driver_info());

    auto v = json::parse(api().request("GET", "/v1/nodes/" + uuid + "/validate").body);
    EXPECT_EQ(v["power"]["result"], true) << v.dump();
    EXPECT_EQ(v["management"]["result"], true) << v.dump();

    auto start = Clock::now();
    json n = power(uuid, "power on");
    const double power_on_seconds = seconds_since(start);
    EXPECT_EQ(n["power_state"], "power on") << n.dump();
    EXPECT_TRUE(n["last_error"].is_null()) << n.dump();
    EXPECT_TRUE(bmc.power_on());
    std::cout << "[ timing ] power on through the API: " << power_on_seconds << " s\n";
    RecordProperty("power_on_seconds", std::to_string(power_on_seconds));

    n = power(uuid, "power off");
    EXPECT_EQ(n["power_state"], "power off") << n.dump();
    EXPECT_FALSE(bmc.power_on());

    // Reboot from on: Ironic's ipmitool does off, then on.
    power(uuid, "power on");
    const size_t before = bmc.chassis_calls().size();
    n = power(uuid, "rebooting");
    EXPECT_EQ(n["power_state"], "power on") << n.dump();
    EXPECT_TRUE(bmc.power_on());
    std::vector<std::string> sets;
    auto calls = bmc.chassis_calls();
    for (size_t i = before; i < calls.size(); ++i)
        if (calls[i].rfind("set ", 0) == 0) sets.push_back(calls[i]);
    EXPECT_EQ(sets, (std::vector<std::string>{"set power 0", "set power 1"}));

    // Soft power off reaches the machine as an ACPI shutdown.
    n = power(uuid, "soft power off");
    EXPECT_EQ(n["power_state"], "power off") << n.dump();
    calls = bmc.chassis_calls();
    EXPECT_NE(std::find(calls.begin(), calls.end(), "set shutdown 1"), calls.end());
    EXPECT_FALSE(bmc.power_on());
}

TEST_F(IpmiPowerTest, BootDeviceReachesTheBmcAndReadsBack) {
    test::IpmiSim bmc;
    const std::string uuid = create_node("ipmi-boot", bmc.driver_info());
    auto c = api();
    auto r =
        c.request("PUT", "/v1/nodes/" + uuid + "/management/boot_device", R"({"boot_device":"pxe","persistent":true})");
    ASSERT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(bmc.boot_device(), "pxe");
    auto got = json::parse(c.request("GET", "/v1/nodes/" + uuid + "/management/boot_device").body);
    EXPECT_EQ(got["boot_device"], "pxe") << got.dump();
    // ipmi_sim keeps only the device: it answers every boot flag as
    // "next boot only", so persistent reads back false.
    EXPECT_EQ(got["persistent"], false) << got.dump();

    ASSERT_EQ(c.request("PUT", "/v1/nodes/" + uuid + "/management/boot_device", R"({"boot_device":"disk"})").status,
              204);
    EXPECT_EQ(bmc.boot_device(), "default");  // ipmi_sim's name for the disk
    got = json::parse(c.request("GET", "/v1/nodes/" + uuid + "/management/boot_device").body);
    EXPECT_EQ(got["boot_device"], "disk") << got.dump();

    auto bad = c.request("PUT", "/v1/nodes/" + uuid + "/management/boot_device", R"({"boot_device":"floppy"})");
    EXPECT_EQ(bad.status, 400) << bad.body;
    auto supported = json::parse(c.request("GET", "/v1/nodes/" + uuid + "/management/boot_device/supported").body);
    EXPECT_EQ(supported["supported_boot_devices"], json({"pxe", "disk", "cdrom", "bios", "safe"}));
}

TEST_F(IpmiPowerTest, WrongPasswordFailsQuicklyAndOtherNodesKeepWorking) {
    test::IpmiSim good_bmc;
    test::IpmiSim other_bmc("admin", "right-one");
    const std::string good = create_node("ipmi-good", good_bmc.driver_info());
    json info = other_bmc.driver_info();
    info["ipmi_password"] = "wrong-one";
    const std::string bad = create_node("ipmi-bad-password", info);
    const json before = get_node(bad)["power_state"];

    auto start = Clock::now();
    ASSERT_EQ(request_power(bad, "power on").status, 202);
    json g = power(good, "power on");  // meanwhile
    json n = wait_power(bad);
    const double took = seconds_since(start);

    EXPECT_LT(took, 3.0) << "a refused password is not retried";
    EXPECT_EQ(n["power_state"], before) << n.dump();
    const std::string error = last_error(n);
    EXPECT_NE(error.find("Failed to change power state to 'power on'"), std::string::npos) << error;
    EXPECT_NE(error.find("IPMI power on failed for node " + bad + " at 127.0.0.1:" + std::to_string(other_bmc.port()) +
                         ": RAKP 2 HMAC is invalid"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("wrong ipmi_username or ipmi_password?"), std::string::npos) << error;
    EXPECT_EQ(error.find("wrong-one"), std::string::npos) << "the password leaked: " << error;
    EXPECT_FALSE(other_bmc.power_on());

    EXPECT_EQ(g["power_state"], "power on") << g.dump();
    EXPECT_TRUE(good_bmc.power_on());
    EXPECT_EQ(conductor_->log().find("wrong-one"), std::string::npos) << "the password is in the conductor's log";
}

TEST_F(IpmiPowerTest, UnreachableBmcFailsAfterTheRetryTimeout) {
    const int port = test::free_udp_port();  // nothing listens there
    const std::string uuid =
        create_node("ipmi-nobody", {{"ipmi_address", "127.0.0.1"}, {"ipmi_port", port}, {"ipmi_password", "x"}});
    auto start = Clock::now();
    json n = power(uuid, "power on");
    const double took = seconds_since(start);
    // command_retry_timeout = 3: tries until then, each about 2 s (-N 1, two messages).
    EXPECT_GE(took, 3.0);
    EXPECT_LT(took, 12.0);
    const std::string error = last_error(n);
    EXPECT_NE(error.find("IPMI power on failed for node " + uuid + " at 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("no answer"), std::string::npos) << error;
    EXPECT_NE(error.find("tries in"), std::string::npos) << error;
    EXPECT_TRUE(n["power_state"].is_null()) << n.dump();
}

TEST_F(IpmiPowerTest, HangingBmcDoesNotHoldUpOtherNodes) {
    test::SilentUdpPort hanging;  // receives, never answers
    test::IpmiSim good_bmc;
    const std::string stuck =
        create_node("ipmi-hanging", {{"ipmi_address", "127.0.0.1"}, {"ipmi_port", hanging.port()}});
    const std::string good = create_node("ipmi-fine", good_bmc.driver_info());

    auto start = Clock::now();
    ASSERT_EQ(request_power(stuck, "power on").status, 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // The hanging BMC's action is still running; the API and the other
    // BMC answer as usual.
    EXPECT_FALSE(get_node(stuck)["target_power_state"].is_null());
    auto good_start = Clock::now();
    json g = power(good, "power on");
    EXPECT_LT(seconds_since(good_start), 4.0);
    EXPECT_EQ(g["power_state"], "power on") << g.dump();
    EXPECT_FALSE(get_node(stuck)["target_power_state"].is_null()) << "the good node waited for the hanging one";

    json n = wait_power(stuck);
    const double took = seconds_since(start);
    EXPECT_LT(took, 12.0);
    const std::string error = last_error(n);
    EXPECT_NE(error.find("at 127.0.0.1:" + std::to_string(hanging.port())), std::string::npos) << error;
    EXPECT_NE(error.find("no answer"), std::string::npos) << error;
    EXPECT_TRUE(n["power_state"].is_null()) << n.dump();
}

// An ipmitool that runs longer than [ipmi]command_timeout is killed and not
// retried: with -N 3 a silent BMC keeps ipmitool busy about 6 s, the limit
// is 1 s.
TEST(IpmiPowerTimeout, IpmitoolIsKilledAfterCommandTimeout) {
    if (!test::IpmiSim::available()) GTEST_SKIP() << test::IpmiSim::kNotInstalled;
    test::ConductorProcess conductor(
        "[conductor]\nsync_power_state_interval = 0\n"
        "[ipmi]\nmin_command_interval = 3\ncommand_retry_timeout = 30\ncommand_timeout = 1\n");
    test::SilentUdpPort hanging;
    auto c = test::api_client(conductor.url());
    auto created = c.request(
        "POST", "/v1/nodes",
        json{{"driver", "ipmi"}, {"driver_info", {{"ipmi_address", "127.0.0.1"}, {"ipmi_port", hanging.port()}}}}
            .dump());
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string uuid = json::parse(created.body)["uuid"];
    auto start = Clock::now();
    ASSERT_EQ(c.request("PUT", "/v1/nodes/" + uuid + "/states/power", R"({"target":"power on"})").status, 202);
    json n;
    while (seconds_since(start) < 30) {
        n = json::parse(c.request("GET", "/v1/nodes/" + uuid).body);
        if (n["target_power_state"].is_null() && n["reservation"].is_null()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_LT(seconds_since(start), 3.0);
    const std::string error = n["last_error"].is_string() ? n["last_error"].get<std::string>() : "";
    EXPECT_NE(error.find("ipmitool did not finish within 1 s and was killed"), std::string::npos) << n.dump();
}
