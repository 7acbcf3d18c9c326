// ingot-agent as a process: its command API over real HTTP in standalone
// mode, and its lookup and heartbeats against a real conductor.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "common/http_client.h"
#include "common/ids.h"
#include "common/process.h"
#include "tests/support/agent_process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"
#include "tests/support/node_records.h"

using namespace ingot;
using nlohmann::json;

namespace {

using test::AgentProcess;

json post_command(HttpClient& c, const std::string& name, const json& params, const std::string& query = "",
                  long expect = 200) {
    auto r = c.request("POST", "/v1/commands/" + query, json({{"name", name}, {"params", params}}).dump());
    EXPECT_EQ(r.status, expect) << name << ": " << r.body;
    return json::parse(r.body);
}

TEST(AgentServiceTest, StandaloneCommandApi) {
    AgentProcess agent({"--standalone"});
    HttpClient c(agent.url(), std::chrono::seconds(30));

    json status = json::parse(c.request("GET", "/v1/status").body);
    EXPECT_TRUE(status["started_at"].is_number());

    json steps = post_command(c, "clean.get_clean_steps", {{"node", json::object()}, {"ports", json::array()}});
    EXPECT_EQ(steps["command_status"], "SUCCEEDED");
    EXPECT_EQ(steps["command_result"]["clean_steps"]["GenericHardwareManager"].size(), 2u);

    json parts = post_command(c, "standby.get_partition_uuids", json::object(), "?wait=true");
    EXPECT_EQ(parts["command_status"], "SUCCEEDED");

    // SAFETY: an asynchronous write without --loop-devices-only or
    // --allow-disk-writes (and not PID 1): RUNNING or FAILED at once, FAILED
    // with the safety message when polled.
    const json image_info = {{"urls", {"http://127.0.0.1:9/x"}}};
    const json step = {{"step", "write_image"}, {"args", {{"image_info", image_info}}}};
    json started = post_command(c, "deploy.execute_deploy_step", {{"step", step}});
    const std::string id = started["id"];
    auto polled = c.request("GET", "/v1/commands/" + id + "?wait=true");
    ASSERT_EQ(polled.status, 200) << polled.body;
    json failed = json::parse(polled.body);
    EXPECT_EQ(failed["command_status"], "FAILED");
    EXPECT_EQ(failed["command_error"]["type"], "ProtectedDeviceError");
    EXPECT_NE(failed["command_error"]["details"].get<std::string>().find("--loop-devices-only"), std::string::npos);
    json unknown = post_command(c, "clean.execute_clean_step", {{"step", {{"step", "nope"}}}}, "?wait=true");
    EXPECT_EQ(unknown["command_error"]["type"], "HardwareManagerMethodNotFound");

    // SAFETY: the agent is not PID 1 and has no --allow-power-actions.
    json off = post_command(c, "standby.power_off", json::object(), "?wait=true");
    EXPECT_EQ(off["command_status"], "FAILED");
    EXPECT_NE(off["command_error"]["details"].get<std::string>().find("Refusing to power off"), std::string::npos);

    json logs = post_command(c, "log.collect_system_logs", json::object());
    if (logs["command_status"] == "SUCCEEDED") {
        EXPECT_FALSE(logs["command_result"]["system_logs"].get<std::string>().empty());
    }

    auto r = c.request("POST", "/v1/commands/", json({{"name", "nope.nope"}, {"params", json::object()}}).dump());
    EXPECT_EQ(r.status, 400);
    r = c.request("POST", "/v1/commands/", R"({"name": "clean.get_clean_steps"})");
    EXPECT_EQ(r.status, 400);
    r = c.request("POST", "/v1/commands/?agent_token=whatever",
                  json({{"name", "clean.get_clean_steps"}, {"params", json::object()}}).dump());
    EXPECT_EQ(r.status, 401) << "a standalone agent knows no token; a presented one cannot match";

    json list = json::parse(c.request("GET", "/v1/commands/").body);
    EXPECT_GE(list["commands"].size(), 5u);
    EXPECT_EQ(c.request("GET", "/v1/commands/nope").status, 404);
}

TEST(AgentServiceTest, LooksUpItsNodeAndHeartbeats) {
    test::ConductorProcess conductor("[api]\nramdisk_heartbeat_timeout = 2\n");
    auto c = test::api_client(conductor.url());
    const std::string mac = "52:54:00:de:ad:01";
    auto r = c.request("POST", "/v1/nodes", json({{"driver", "fake-hardware"}, {"name", "agent-node"}}).dump());
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string uuid = json::parse(r.body)["uuid"];
    ASSERT_EQ(c.request("POST", "/v1/ports", json({{"address", mac}, {"node_uuid", uuid}}).dump()).status, 201);
    ASSERT_TRUE(test::put_in_wait_callback(conductor, uuid));

    AgentProcess agent({"--api-url", conductor.url(), "--mac", mac});
    json node;
    std::string first_beat;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        node = test::get_node(c, uuid);
        const json& internal = node["driver_internal_info"];
        if (internal.contains("agent_last_heartbeat")) {
            if (first_beat.empty()) first_beat = internal["agent_last_heartbeat"];
            // A second heartbeat proves the loop, not just the first call.
            else if (internal["agent_last_heartbeat"] != first_beat)
                break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const json& internal = node["driver_internal_info"];
    EXPECT_EQ(internal.value("agent_url", std::string()), agent.url()) << node.dump();
    EXPECT_FALSE(first_beat.empty());
    EXPECT_NE(internal.value("agent_last_heartbeat", std::string()), first_beat) << "only one heartbeat in 30 s";
    EXPECT_EQ(internal["agent_secret_token"], "******");
    EXPECT_EQ(node["provision_state"], "wait call-back");
    // Auto-TLS: the agent serves HTTPS and its certificate is pinned.
    EXPECT_EQ(agent.url().rfind("https://", 0), 0u);
    EXPECT_EQ(internal.value("agent_verify_ca", std::string()), agent.certificate_pem());
    EXPECT_EQ(internal.value("agent_lookup_address", std::string()), "127.0.0.1");

    // The agent now holds the token: commands without it are refused.
    HttpClient a = agent.client(std::chrono::seconds(10));
    r = a.request("POST", "/v1/commands/",
                  json({{"name", "clean.get_clean_steps"}, {"params", json::object()}}).dump());
    EXPECT_EQ(r.status, 401) << r.body;
}

TEST(AgentServiceTest, AsyncCommandEndHeartbeatsAtOnce) {
    // A long heartbeat timeout: the next regular heartbeat is 90 to 180 s
    // away, so a second one within seconds comes from the finished command.
    test::ConductorProcess conductor("[api]\nramdisk_heartbeat_timeout = 300\n");
    auto c = test::api_client(conductor.url());
    const std::string mac = "52:54:00:de:ad:02";
    auto r = c.request("POST", "/v1/nodes", json({{"driver", "fake-hardware"}, {"name", "beat-node"}}).dump());
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string uuid = json::parse(r.body)["uuid"];
    ASSERT_EQ(c.request("POST", "/v1/ports", json({{"address", mac}, {"node_uuid", uuid}}).dump()).status, 201);
    auto internal_info = [&]() {
        SQLite::Database db(conductor.state_dir() + "/ingot.sqlite", SQLite::OPEN_READONLY);
        db.setBusyTimeout(5000);
        SQLite::Statement q(db, "SELECT driver_internal_info FROM nodes WHERE uuid = ?");
        q.bind(1, uuid);
        return q.executeStep() ? json::parse(q.getColumn(0).getString()) : json::object();
    };
    ASSERT_TRUE(test::put_in_wait_callback(conductor, uuid));

    AgentProcess agent({"--api-url", conductor.url(), "--mac", mac});
    std::string first_beat, token;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
         first_beat.empty() && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(std::chrono::milliseconds(100))) {
        json internal = internal_info();
        if (internal.contains("agent_last_heartbeat")) {
            first_beat = internal["agent_last_heartbeat"];
            token = internal.value("agent_secret_token", std::string());
        }
    }
    ASSERT_FALSE(first_beat.empty()) << "no first heartbeat";
    ASSERT_FALSE(token.empty());
    // An asynchronous command that fails at once (no such clean step).
    HttpClient a = agent.client(std::chrono::seconds(10));
    r = a.request("POST", "/v1/commands/?wait=true&agent_token=" + token,
                  json({{"name", "clean.execute_clean_step"}, {"params", {{"step", {{"step", "nope"}}}}}}).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["command_status"], "FAILED");
    std::string second_beat = first_beat;
    for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
         second_beat == first_beat && std::chrono::steady_clock::now() < deadline;
         std::this_thread::sleep_for(std::chrono::milliseconds(100))) {
        second_beat = internal_info().value("agent_last_heartbeat", first_beat);
    }
    EXPECT_NE(second_beat, first_beat) << "the finished command did not make the agent heartbeat";
}

}  // namespace
