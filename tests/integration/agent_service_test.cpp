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
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;

namespace {

// An ingot-agent on a free loopback port; never allowed power actions.
class AgentProcess {
public:
    explicit AgentProcess(std::vector<std::string> extra_args) : port_(test::free_port()) {
        std::vector<std::string> argv = {test::ConductorProcess::bin_dir() + "/ingot-agent",
                                         "--listen",
                                         "127.0.0.1:" + std::to_string(port_),
                                         "--kernel-cmdline",
                                         "/dev/null",
                                         "--log-level",
                                         "debug"};
        argv.insert(argv.end(), extra_args.begin(), extra_args.end());
        log_path_ = dir_.path() + "/agent.log";
        child_ = std::make_unique<ChildProcess>(argv, log_path_);
        HttpClient c(url(), std::chrono::seconds(2));
        for (int i = 0; i < 500; ++i) {
            try {
                if (c.request("GET", "/v1/status").status == 200) return;
            } catch (const HttpTransportError&) {
            }
            if (!child_->running()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("ingot-agent did not start");
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }

private:
    test::TempDir dir_;
    int port_;
    std::string log_path_;
    std::unique_ptr<ChildProcess> child_;
};

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

    // An async command not implemented yet: RUNNING or FAILED at once,
    // FAILED with a clear error when polled.
    json started = post_command(c, "deploy.execute_deploy_step", {{"step", {{"step", "write_image"}}}});
    const std::string id = started["id"];
    auto polled = c.request("GET", "/v1/commands/" + id + "?wait=true");
    ASSERT_EQ(polled.status, 200) << polled.body;
    json failed = json::parse(polled.body);
    EXPECT_EQ(failed["command_status"], "FAILED");
    EXPECT_EQ(failed["command_error"]["type"], "NotImplementedError");

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
    {
        SQLite::Database db(conductor.state_dir() + "/ingot.sqlite", SQLite::OPEN_READWRITE);
        db.setBusyTimeout(5000);
        SQLite::Statement q(db,
                            "UPDATE nodes SET provision_state = 'wait call-back', target_provision_state = 'active', "
                            "provision_updated_at = ?, row_version = row_version + 1 WHERE uuid = ?");
        q.bind(1, utc_now_iso());
        q.bind(2, uuid);
        ASSERT_EQ(q.exec(), 1);
    }

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

    // The agent now holds the token: commands without it are refused.
    HttpClient a(agent.url(), std::chrono::seconds(10));
    r = a.request("POST", "/v1/commands/",
                  json({{"name", "clean.get_clean_steps"}, {"params", json::object()}}).dump());
    EXPECT_EQ(r.status, 401) << r.body;
}

}  // namespace
