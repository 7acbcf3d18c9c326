// Provisioning and power over real HTTP against a real conductor, and the
// kill -9 test: nothing is lost when the conductor dies mid-deploy.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

HttpClient client(const std::string& url, const std::string& version = "latest") {
    HttpClient c(url, std::chrono::seconds(30));
    c.set_default_header("X-OpenStack-Ironic-API-Version", version);
    return c;
}

json fault(const HttpResponse& r) {
    return json::parse(json::parse(r.body).at("error_message").get<std::string>());
}

// Polls until the node has no target state (the action finished).
json settle(HttpClient& c, const std::string& node) {
    json n;
    for (int i = 0; i < 400; ++i) {
        n = json::parse(c.request("GET", "/v1/nodes/" + node).body);
        const std::string state = n["provision_state"].is_string() ? n["provision_state"].get<std::string>() : "";
        bool failed = state.size() > 7 && state.substr(state.size() - 6) == "failed";
        if ((n["target_provision_state"].is_null() || failed) && n["target_power_state"].is_null() &&
            n["reservation"].is_null())
            return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "node never settled: " << n.dump();
    return n;
}

HttpResponse provision(HttpClient& c, const std::string& node, const json& body) {
    return c.request("PUT", "/v1/nodes/" + node + "/states/provision", body.dump());
}

// As a client must: 503 (pool busy) and 409 (node locked) are retried.
HttpResponse provision_retrying(HttpClient& c, const std::string& node, const json& body) {
    HttpResponse r;
    for (int i = 0; i < 500; ++i) {
        r = provision(c, node, body);
        if (r.status != 503 && r.status != 409) return r;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return r;
}

}  // namespace

TEST(Provision, FullLifecycleWithFakeHardware) {
    test::ConductorProcess conductor;
    auto c = client(conductor.url());
    ASSERT_EQ(c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware","name":"life"})").status, 201);

    auto r = provision(c, "life", {{"target", "manage"}});
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(r.header("Location"), conductor.url() + "/v1/nodes/life/states");
    EXPECT_EQ(settle(c, "life")["provision_state"], "manageable");
    ASSERT_EQ(provision(c, "life", {{"target", "provide"}}).status, 202);
    EXPECT_EQ(settle(c, "life")["provision_state"], "available");
    ASSERT_EQ(provision(c, "life", {{"target", "active"}, {"configdrive", "H4sIAAAA"}}).status, 202);
    json active = settle(c, "life");
    EXPECT_EQ(active["provision_state"], "active");
    EXPECT_EQ(active["instance_info"]["configdrive"], "******");  // stored, never shown
    ASSERT_EQ(provision(c, "life", {{"target", "rebuild"}}).status, 202);
    EXPECT_EQ(settle(c, "life")["provision_state"], "active");
    ASSERT_EQ(provision(c, "life", {{"target", "rescue"}, {"rescue_password", "pw"}}).status, 202);
    EXPECT_EQ(settle(c, "life")["provision_state"], "rescue");
    ASSERT_EQ(provision(c, "life", {{"target", "unrescue"}}).status, 202);
    EXPECT_EQ(settle(c, "life")["provision_state"], "active");
    ASSERT_EQ(provision(c, "life", {{"target", "undeploy"}}).status, 202);
    json back = settle(c, "life");
    EXPECT_EQ(back["provision_state"], "available");
    EXPECT_EQ(back["instance_info"], json::object());
    ASSERT_EQ(provision(c, "life", {{"target", "manage"}}).status, 202);
    EXPECT_EQ(settle(c, "life")["provision_state"], "manageable");
    ASSERT_EQ(provision(c, "life", {{"target", "clean"}, {"clean_steps", json::array()}}).status, 202);
    EXPECT_EQ(settle(c, "life")["provision_state"], "manageable");
    ASSERT_EQ(provision(c, "life", {{"target", "inspect"}}).status, 202);
    json inspected = settle(c, "life");
    EXPECT_EQ(inspected["provision_state"], "manageable");
    EXPECT_FALSE(inspected["inspection_finished_at"].is_null());

    auto history = json::parse(c.request("GET", "/v1/nodes/life/history").body)["history"];
    std::vector<std::string> events;
    for (const auto& h : history) events.push_back(h["event"]);
    ASSERT_GE(events.size(), 10u);
    EXPECT_EQ(events[0], "Provision state changed from \"enroll\" to \"verifying\"");
    EXPECT_EQ(events[1], "Provision state changed from \"verifying\" to \"manageable\"");
    EXPECT_EQ(client(conductor.url(), "1.77").request("GET", "/v1/nodes/life/history").status, 404);
}

TEST(Provision, RefusalsAreIronicShaped) {
    test::ConductorProcess conductor;
    auto c = client(conductor.url());
    json n = json::parse(c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware","name":"r"})").body);
    const std::string uuid = n["uuid"];
    auto bad = provision(c, "r", {{"target", "active"}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(fault(bad)["faultstring"], "The requested action \"active\" can not be performed on node \"" + uuid +
                                             "\" while it is in state \"enroll\".");
    EXPECT_EQ(provision(c, "r", {{"target", "sideways"}}).status, 400);
    EXPECT_EQ(
        client(conductor.url(), "1.3").request("PUT", "/v1/nodes/r/states/provision", R"({"target":"manage"})").status,
        406);
    EXPECT_EQ(
        client(conductor.url(), "1.72").request("PUT", "/v1/nodes/r/states/provision", R"({"target":"deploy"})").status,
        406);
    EXPECT_EQ(provision(c, "r", {{"target", "manage"}, {"bogus", 1}}).status, 400);
    EXPECT_EQ(c.request("PUT", "/v1/nodes/r/states/provision", "{}").status, 400);
    EXPECT_EQ(provision(c, "r", {{"target", "manage"}, {"configdrive", "x"}}).status, 400);
    ASSERT_EQ(provision(c, "r", {{"target", "manage"}}).status, 202);
    settle(c, "r");
    EXPECT_EQ(fault(provision(c, "r", {{"target", "clean"}}))["faultstring"],
              "\"clean_steps\" is required when setting target provision state to clean");
    ASSERT_EQ(provision(c, "r", {{"target", "provide"}}).status, 202);
    settle(c, "r");
    ASSERT_EQ(c.request("PUT", "/v1/nodes/r/maintenance", "{}").status, 202);
    auto maint = provision(c, "r", {{"target", "active"}});
    EXPECT_EQ(maint.status, 400);
    EXPECT_NE(fault(maint)["faultstring"].get<std::string>().find("maintenance"), std::string::npos);
    // Nothing moved.
    EXPECT_EQ(json::parse(c.request("GET", "/v1/nodes/r").body)["provision_state"], "available");
}

TEST(Provision, PowerAndBootDevice) {
    test::ConductorProcess conductor;
    auto c = client(conductor.url());
    ASSERT_EQ(c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware","name":"p"})").status, 201);
    auto on = c.request("PUT", "/v1/nodes/p/states/power", R"({"target":"power on"})");
    ASSERT_EQ(on.status, 202) << on.body;
    EXPECT_EQ(settle(c, "p")["power_state"], "power on");
    ASSERT_EQ(c.request("PUT", "/v1/nodes/p/states/power", R"({"target":"soft power off","timeout":30})").status, 202);
    EXPECT_EQ(settle(c, "p")["power_state"], "power off");
    ASSERT_EQ(c.request("PUT", "/v1/nodes/p/states/power", R"({"target":"rebooting"})").status, 202);
    EXPECT_EQ(settle(c, "p")["power_state"], "power on");
    auto old = client(conductor.url(), "1.26");
    EXPECT_EQ(old.request("PUT", "/v1/nodes/p/states/power", R"({"target":"soft power off"})").status, 406);
    EXPECT_EQ(c.request("PUT", "/v1/nodes/p/states/power", R"({"target":"power on","timeout":0})").status, 400);
    auto sideways = c.request("PUT", "/v1/nodes/p/states/power", R"({"target":"sideways"})");
    EXPECT_EQ(sideways.status, 400);
    EXPECT_NE(fault(sideways)["faultstring"].get<std::string>().find("while it is in state \"power on\""),
              std::string::npos);

    EXPECT_EQ(
        c.request("PUT", "/v1/nodes/p/management/boot_device", R"({"boot_device":"disk","persistent":true})").status,
        204);
    auto dev = json::parse(c.request("GET", "/v1/nodes/p/management/boot_device").body);
    EXPECT_EQ(dev["boot_device"], "disk");
    EXPECT_EQ(dev["persistent"], true);
    auto supported = json::parse(c.request("GET", "/v1/nodes/p/management/boot_device/supported").body);
    EXPECT_EQ(supported["supported_boot_devices"], json({"pxe", "disk"}));
    EXPECT_EQ(c.request("PUT", "/v1/nodes/p/management/boot_device", R"({"boot_device":"floppy"})").status, 400);
}

TEST(Provision, IpmiNodeFailsCleanlyWithLastError) {
    test::ConductorProcess conductor;
    auto c = client(conductor.url());
    ASSERT_EQ(c.request("POST", "/v1/nodes", R"({"driver":"ipmi","name":"i"})").status, 201);
    ASSERT_EQ(provision(c, "i", {{"target", "manage"}}).status, 202);
    json n = settle(c, "i");
    EXPECT_EQ(n["provision_state"], "enroll");
    EXPECT_NE(n["last_error"].get<std::string>().find("Missing the following IPMI credentials"), std::string::npos)
        << n.dump();
}

// 200 deploys requested at once, the conductor killed with SIGKILL while
// they run, a new conductor started on the same database: every node is in
// a state that says what happened, none is locked or half-way.
TEST(Provision, NothingIsLostOnKill9DuringConcurrentDeploys) {
    const int kNodes = 200;
    test::ConductorProcess first("[conductor]\nworkers_pool_size = 4\n");
    std::vector<std::string> uuids;
    {
        auto c = client(first.url());
        for (int i = 0; i < kNodes; ++i) {
            auto r = c.request(
                "POST", "/v1/nodes",
                json{{"driver", "fake-hardware"}, {"name", "k" + std::to_string(i)}, {"automated_clean", false}}
                    .dump());
            ASSERT_EQ(r.status, 201);
            uuids.push_back(json::parse(r.body)["uuid"]);
        }
        // Straight to available through the API.
        // The pool is small on purpose, so these may meet 503 and retry.
        for (const auto& u : uuids) ASSERT_EQ(provision_retrying(c, u, {{"target", "manage"}}).status, 202);
        for (const auto& u : uuids) settle(c, u);
        for (const auto& u : uuids) ASSERT_EQ(provision_retrying(c, u, {{"target", "provide"}}).status, 202);
        for (const auto& u : uuids) ASSERT_EQ(settle(c, u)["provision_state"], "available");
    }
    std::atomic<int> accepted{0}, sent{0};
    std::atomic<bool> killed{false};
    std::vector<std::thread> senders;
    for (int t = 0; t < 8; ++t) {
        senders.emplace_back([&, t] {
            auto c = client(first.url());
            for (int i = t; i < kNodes; i += 8) {
                try {
                    auto r = provision(c, uuids[i], {{"target", "active"}});
                    ++sent;
                    if (r.status == 202) ++accepted;
                } catch (const HttpTransportError&) {
                    return;  // the conductor is gone
                }
            }
        });
    }
    // Kill once a good part of the deploys are in flight.
    while (accepted < kNodes / 3) std::this_thread::sleep_for(std::chrono::microseconds(200));
    kill(first.pid(), SIGKILL);
    killed = true;
    for (auto& s : senders) s.join();
    ASSERT_GT(accepted.load(), 0);
    ASSERT_LT(sent.load(), kNodes) << "every request finished before the kill; the test proved nothing";

    // The database file is intact.
    {
        SQLite::Database raw(first.state_dir() + "/ingot.sqlite");
        EXPECT_EQ(raw.execAndGet("PRAGMA integrity_check").getString(), "ok");
    }
    // A new conductor on the same state.
    std::string conf = first.state_dir() + "/ingot.conf";
    ChildProcess second({test::ConductorProcess::bin_dir() + "/ingot-conductor", "--config-file", conf},
                        first.state_dir() + "/second.log");
    auto c = client(first.url());
    for (int i = 0; i < 400; ++i) {
        try {
            if (c.request("GET", "/").status == 200) break;
        } catch (const HttpTransportError&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    int active = 0, failed = 0, untouched = 0;
    for (const auto& u : uuids) {
        json n = json::parse(c.request("GET", "/v1/nodes/" + u).body);
        const std::string state = n["provision_state"];
        EXPECT_TRUE(n["reservation"].is_null()) << n.dump();
        // Failure states keep their target (active), as Ironic's do.
        if (state != "deploy failed") {
            EXPECT_TRUE(n["target_provision_state"].is_null()) << n.dump();
        }
        if (state == "active")
            ++active;
        else if (state == "deploy failed") {
            ++failed;
            EXPECT_NE(n["last_error"].get<std::string>().find("stopped while node"), std::string::npos) << n.dump();
        } else if (state == "available")
            ++untouched;
        else
            ADD_FAILURE() << "node in unexpected state: " << n.dump();
    }
    EXPECT_EQ(active + failed + untouched, kNodes);
    EXPECT_GE(active + failed, accepted.load()) << "an accepted deploy was lost";
    // Failed deploys can be retried and finish.
    for (const auto& u : uuids) {
        json n = json::parse(c.request("GET", "/v1/nodes/" + u).body);
        if (n["provision_state"] == "deploy failed") {
            ASSERT_EQ(provision_retrying(c, u, {{"target", "active"}}).status, 202);
            EXPECT_EQ(settle(c, u)["provision_state"], "active");
        }
    }
    std::printf("kill -9 test: %d accepted before the kill, %d active, %d deploy failed, %d untouched\n",
                accepted.load(), active, failed, untouched);
    EXPECT_EQ(second.stop(), 0);
}
