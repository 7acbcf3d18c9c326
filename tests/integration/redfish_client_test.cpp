// Ingot's Redfish client against a real ingot-vbmc over HTTPS: session and
// basic authentication (one session shared, renewed when the BMC drops it),
// actions answered through task monitors, and virtual media.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "power/redfish_system.h"
#include "tests/support/vbmc_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

power::RedfishConnection connection(const test::VbmcProcess& bmc, const std::string& auth_type) {
    power::RedfishConnection c;
    c.address = bmc.url();
    c.system_id = "/redfish/v1/Systems/node-0";
    c.username = "admin";
    c.password = "password";
    c.ca_path = bmc.ca_file();
    c.auth_type = auth_type;
    return c;
}

power::RedfishSettings fast_settings() {
    power::RedfishSettings s;
    s.connection_attempts = 2;
    s.connection_retry_interval = std::chrono::milliseconds(0);
    s.request_timeout = std::chrono::seconds(5);
    return s;
}

std::vector<std::string> sessions(const test::VbmcProcess& bmc) {
    auto http = bmc.client();
    json doc = json::parse(http.request("GET", "/redfish/v1/SessionService/Sessions").body);
    std::vector<std::string> ids;
    for (const auto& m : doc["Members"]) ids.push_back(m["@odata.id"]);
    return ids;
}

}  // namespace

TEST(RedfishClient, OneSessionIsSharedAndRenewedWhenTheBmcDropsIt) {
    test::VbmcProcess bmc;
    auto before = sessions(bmc).size();
    for (int i = 0; i < 3; ++i) {
        power::RedfishClient client(connection(bmc, "session"), fast_settings(), "node-a");
        EXPECT_EQ(power::RedfishSystem(client).power_state(), "power off");
    }
    auto after = sessions(bmc);
    ASSERT_EQ(after.size(), before + 1);

    // The BMC forgets the session (expiry, reboot): the next call logs in again.
    auto http = bmc.client();
    ASSERT_EQ(http.request("DELETE", after.back()).status, 204);
    power::RedfishClient client(connection(bmc, "session"), fast_settings(), "node-a");
    EXPECT_EQ(power::RedfishSystem(client).power_state(), "power off");
    EXPECT_EQ(sessions(bmc).size(), before + 1);
    EXPECT_NE(sessions(bmc).back(), after.back());
}

TEST(RedfishClient, BasicAuthenticationCreatesNoSession) {
    test::VbmcProcess bmc;
    auto before = sessions(bmc).size();
    power::RedfishClient client(connection(bmc, "basic"), fast_settings(), "node-b");
    power::RedfishSystem system(client);
    system.reset("power on");
    EXPECT_EQ(system.power_state(), "power on");
    EXPECT_EQ(sessions(bmc).size(), before);
}

TEST(RedfishClient, ActionsWaitForTheirTaskMonitor) {
    test::VbmcOptions o;
    o.async_tasks = true;
    test::VbmcProcess bmc(o);
    power::RedfishClient client(connection(bmc, "auto"), fast_settings(), "node-c");
    power::RedfishSystem system(client);
    EXPECT_EQ(system.reset("power on"), "On");
    // Done when the task is: no polling of the power state needed.
    EXPECT_EQ(bmc.state("node-0")["power_state"], "On");
    EXPECT_EQ(system.reset("power off"), "ForceOff");
    EXPECT_EQ(bmc.state("node-0")["power_state"], "Off");
}

TEST(RedfishClient, VirtualMediaInsertReplaceAndEject) {
    test::VbmcProcess bmc;
    power::RedfishClient client(connection(bmc, "auto"), fast_settings(), "node-d");
    power::RedfishSystem system(client);
    const std::string first = "http://127.0.0.1:8080/first.iso", second = "http://127.0.0.1:8080/second.iso";

    system.insert_media("cd", first);
    json cd = bmc.state("node-0")["media"]["Cd"];
    EXPECT_EQ(cd["image"], first);
    EXPECT_EQ(cd["inserted"], true);
    EXPECT_EQ(system.media("cd")["Image"], first);

    system.insert_media("cd", second);  // ejects the first
    EXPECT_EQ(bmc.state("node-0")["media"]["Cd"]["image"], second);

    system.insert_media("floppy", first);
    EXPECT_EQ(bmc.state("node-0")["media"]["Floppy"]["image"], first);

    system.eject_media("cd");
    cd = bmc.state("node-0")["media"]["Cd"];
    EXPECT_EQ(cd["inserted"], false);
    EXPECT_TRUE(cd["image"].is_null());
    system.eject_media("cd");  // ejecting an empty drive is fine
    EXPECT_EQ(bmc.state("node-0")["media"]["Floppy"]["inserted"], true);
}
