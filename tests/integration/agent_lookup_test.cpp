// The conductor's side of the agent protocol over real HTTP: GET /v1/lookup
// and POST /v1/heartbeat/{node}, with Ironic's states, token rules, status
// codes and messages; and the heartbeat-driven agent ("direct") deploy and
// clean through the real conductor process against a scripted agent.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "common/http_client.h"
#include "common/ids.h"
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"
#include "tests/support/node_records.h"
#include "tests/support/scripted_agent.h"

using namespace ingot;
using nlohmann::json;

namespace {

constexpr const char* kMac = "52:54:00:a1:b2:c3";

// Creates a fake-hardware node with one port; returns its uuid.
std::string create_node(HttpClient& c, const std::string& name, const std::string& mac) {
    auto r = c.request("POST", "/v1/nodes", json({{"driver", "fake-hardware"}, {"name", name}}).dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string uuid = json::parse(r.body)["uuid"];
    r = c.request("POST", "/v1/ports", json({{"address", mac}, {"node_uuid", uuid}}).dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return uuid;
}

// Puts the node into `state` as a new deploy would leave it (no agent
// known yet): tests do not have a deploy interface that waits for an agent.
void set_state(const test::ConductorProcess& p, const std::string& uuid, const std::string& state) {
    ASSERT_TRUE(test::put_in_state(p, uuid, state, "{}"));
}

std::string fault_string(const HttpResponse& r) {
    return test::api_fault(r).value("faultstring", std::string());
}

json heartbeat_body(const std::string& token, const std::string& url = "https://127.0.0.1:9999") {
    return {{"callback_url", url}, {"agent_token", token}, {"agent_version", "0.1.0"}};
}

// The node as the API shows it once its heartbeat is recorded (or the last
// read after `limit`).
json wait_for_agent_url(HttpClient& c, const std::string& uuid) {
    json n;
    for (int i = 0; i < 250; ++i) {
        n = test::get_node(c, uuid);
        if (n["driver_internal_info"].contains("agent_last_heartbeat") && n["reservation"].is_null()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return n;
}

class AgentLookupTest : public ::testing::Test {
protected:
    test::ConductorProcess conductor{"[api]\nramdisk_heartbeat_timeout = 42\n"};
    HttpClient c = test::api_client(conductor.url());
};

TEST_F(AgentLookupTest, LookupOnlyInStatesThatExpectAnAgent) {
    const std::string uuid = create_node(c, "n1", kMac);
    auto r = c.request("GET", std::string("/v1/lookup?addresses=") + kMac);
    EXPECT_EQ(r.status, 404) << "enroll is not a lookup state: " << r.body;
    EXPECT_EQ(fault_string(r), "Resource could not be found.");

    for (const char* state : {"available", "active", "manageable", "deploy failed"}) {
        set_state(conductor, uuid, state);
        EXPECT_EQ(c.request("GET", std::string("/v1/lookup?addresses=") + kMac).status, 404) << state;
    }
    for (const char* state : {"deploying", "wait call-back", "cleaning", "clean wait", "inspecting", "inspect wait",
                              "rescuing", "rescue wait"}) {
        set_state(conductor, uuid, state);
        r = c.request("GET", std::string("/v1/lookup?addresses=") + kMac);
        EXPECT_EQ(r.status, 200) << state << ": " << r.body;
    }
}

TEST_F(AgentLookupTest, TokenIsMintedOnceAndNeverShown) {
    const std::string uuid = create_node(c, "n1", kMac);
    set_state(conductor, uuid, "wait call-back");
    // Any MAC of the node, in any case, among unknown ones finds it.
    auto r = c.request("GET", "/v1/lookup?addresses=52:54:00:A1:B2:C3,aa:bb:cc:dd:ee:ff,not-a-mac");
    ASSERT_EQ(r.status, 200) << r.body;
    json body = json::parse(r.body);
    EXPECT_EQ(body["node"]["uuid"], uuid);
    for (const char* key : {"uuid", "properties", "instance_info", "driver_internal_info", "links"})
        EXPECT_TRUE(body["node"].contains(key)) << key;
    EXPECT_FALSE(body["node"].contains("driver_info")) << "lookup shows only the restricted view";
    EXPECT_EQ(body["node"]["driver_internal_info"]["agent_secret_token"], "******");
    const json& config = body["config"];
    EXPECT_EQ(config["heartbeat_timeout"], 42);
    EXPECT_EQ(config["agent_token_required"], true);
    ASSERT_TRUE(config["agent_token"].is_string());
    const std::string token = config["agent_token"];
    EXPECT_GE(token.size(), 32u);
    EXPECT_NE(token, "******");

    json node = test::get_node(c, uuid);
    EXPECT_EQ(node["driver_internal_info"]["agent_secret_token"], "******");
    EXPECT_EQ(node.dump().find(token), std::string::npos);
    EXPECT_EQ(c.request("GET", "/v1/nodes/detail").body.find(token), std::string::npos);

    // The token works for a heartbeat; then it still never shows.
    r = c.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body(token).dump());
    EXPECT_EQ(r.status, 202) << r.body;
    EXPECT_TRUE(r.body.empty());
    node = wait_for_agent_url(c, uuid);
    EXPECT_EQ(node.dump().find(token), std::string::npos);
    EXPECT_EQ(conductor.log().find(token), std::string::npos) << "the token leaked into the log";
}

TEST_F(AgentLookupTest, LookupErrorsAsIronic) {
    const std::string uuid = create_node(c, "n1", kMac);
    set_state(conductor, uuid, "wait call-back");
    auto r = c.request("GET", "/v1/lookup");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "At least one of 'addresses' and 'node_uuid' parameters is required");
    r = c.request("GET", "/v1/lookup?addresses=zz:zz");
    EXPECT_EQ(r.status, 400) << "only invalid MACs is no address at all";
    r = c.request("GET", "/v1/lookup?node_uuid=not-a-uuid");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "Expected UUID for node_uuid: not-a-uuid");
    r = c.request("GET", "/v1/lookup?addresses=aa:bb:cc:dd:ee:ff");
    EXPECT_EQ(r.status, 404);
    r = c.request("GET", "/v1/lookup?node_uuid=" + generate_uuid());
    EXPECT_EQ(r.status, 404);
    r = c.request("GET", "/v1/lookup?addresses=" + std::string(kMac) + "&bogus=1");
    EXPECT_EQ(r.status, 400);

    // The ramdisk endpoints exist from 1.22.
    auto old = test::api_client(conductor.url(), "1.21");
    EXPECT_EQ(old.request("GET", std::string("/v1/lookup?addresses=") + kMac).status, 404);
    EXPECT_EQ(old.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body("x").dump()).status, 404);

    // Two nodes sharing the agent's MACs: neither can be trusted.
    const std::string other = create_node(c, "n2", "52:54:00:00:00:02");
    set_state(conductor, other, "wait call-back");
    r = c.request("GET", std::string("/v1/lookup?addresses=") + kMac + ",52:54:00:00:00:02");
    EXPECT_EQ(r.status, 404);
}

TEST_F(AgentLookupTest, HeartbeatRecordsTheAgentAndRefusesBadRequests) {
    const std::string uuid = create_node(c, "n1", kMac);
    set_state(conductor, uuid, "wait call-back");
    // Before any lookup there is no token: nothing is valid.
    auto r = c.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body("guess").dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "Invalid or missing agent token received.");

    r = c.request("GET", std::string("/v1/lookup?addresses=") + kMac);
    ASSERT_EQ(r.status, 200);
    const std::string token = json::parse(r.body)["config"]["agent_token"];

    json no_token = heartbeat_body(token);
    no_token.erase("agent_token");
    r = c.request("POST", "/v1/heartbeat/" + uuid, no_token.dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "Agent token is required for heartbeat processing.");

    r = c.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body(token + "x").dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "Invalid or missing agent token received.");
    std::string almost = token;
    almost.back() = almost.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(c.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body(almost).dump()).status, 400);

    json no_version = heartbeat_body(token);
    no_version.erase("agent_version");
    r = c.request("POST", "/v1/heartbeat/" + uuid, no_version.dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(fault_string(r).find("Agent did not transmit a version"), std::string::npos);

    r = c.request("POST", "/v1/heartbeat/" + uuid, json({{"agent_token", token}, {"agent_version", "1"}}).dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "Missing mandatory parameter: callback_url");
    r = c.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body(token, "ftp://x").dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "An issue with the supplied \"callback_url\" has been detected.");
    json extra = heartbeat_body(token);
    extra["surprise"] = 1;
    EXPECT_EQ(c.request("POST", "/v1/heartbeat/" + uuid, extra.dump()).status, 400);

    r = c.request("POST", "/v1/heartbeat/" + generate_uuid(), heartbeat_body(token).dump());
    EXPECT_EQ(r.status, 404);
    auto v35 = test::api_client(conductor.url(), "1.35");
    r = v35.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body(token).dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "Field \"agent_version\" not recognised");

    // The good one: 202 at once, recorded by a worker; by name too.
    r = c.request("POST", "/v1/heartbeat/n1", heartbeat_body(token).dump());
    EXPECT_EQ(r.status, 202) << r.body;
    json node = wait_for_agent_url(c, uuid);
    const json& internal = node["driver_internal_info"];
    EXPECT_EQ(internal["agent_url"], "https://127.0.0.1:9999");
    EXPECT_EQ(internal["agent_version"], "0.1.0");
    EXPECT_GT(epoch_of_iso(internal.value("agent_last_heartbeat", std::string())), 0);
    EXPECT_EQ(node["provision_state"], "wait call-back");

    // Another agent URL from now on is refused, as Ironic does.
    r = c.request("POST", "/v1/heartbeat/" + uuid, heartbeat_body(token, "http://10.9.9.9:9999").dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fault_string(r), "Detected change in ramdisk provided \"callback_url\"");
}

// --- The direct deploy interface driven by heartbeats -----------------------

// Writes agent_url and agent_secret_token into a node's driver_internal_info
// as a previous operation's agent would have left them.
void plant_agent(const test::ConductorProcess& p, const std::string& uuid) {
    SQLite::Database db(p.state_dir() + "/ingot.sqlite", SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    SQLite::Statement q(db,
                        "UPDATE nodes SET driver_internal_info = json_set(driver_internal_info, "
                        "'$.agent_url', 'http://10.1.1.1:9999', '$.agent_secret_token', 'stale-token', "
                        "'$.agent_last_heartbeat', '2020-01-01T00:00:00'), row_version = row_version + 1 "
                        "WHERE uuid = ?");
    q.bind(1, uuid);
    ASSERT_EQ(q.exec(), 1);
}

class AgentDeployFlowTest : public ::testing::Test {
protected:
    void SetUp() override {
        agent.on("deploy.get_deploy_steps", {"SUCCEEDED", test::ScriptedAgent::write_image_deploy_steps()});
        agent.on("clean.get_clean_steps",
                 {"SUCCEEDED",
                  {{"clean_steps",
                    {{"GenericHardwareManager",
                      {{{"step", "erase_devices"}, {"priority", 10}, {"interface", "deploy"}},
                       {{"step", "erase_devices_metadata"}, {"priority", 99}, {"interface", "deploy"}}}}}},
                   {"hardware_manager_version", {{"generic_hardware_manager", "1.2"}}}}});
        // ingot-agent outside a ramdisk refuses to power the machine off.
        agent.on("standby.power_off", {"FAILED",
                                       nullptr,
                                       {{"type", "CommandExecutionError"}, {"details", "ingot-agent is not PID 1"}},
                                       200,
                                       true});
    }

    std::string available_node(const std::string& name, const std::string& mac,
                               const std::string& deploy_interface = "direct") {
        return test::available_agent_node(c, name, mac, deploy_interface);
    }

    void start(const std::string& uuid, const std::string& verb, const json& extra = json::object()) {
        json body = extra;
        body["target"] = verb;
        auto r = c.request("PUT", "/v1/nodes/" + uuid + "/states/provision", body.dump());
        ASSERT_EQ(r.status, 202) << r.body;
    }

    // The agent boots: looks the node up by its MAC and UUID, as IPA sends
    // them (learning its token) and says where it listens, with the
    // certificate it serves.
    std::string lookup(const std::string& uuid) {
        auto r = c.request("GET", "/v1/lookup?addresses=" + std::string(kMac) + "&node_uuid=" + uuid);
        EXPECT_EQ(r.status, 200) << r.body;
        const std::string token = json::parse(r.body)["config"].value("agent_token", "");
        agent.set_token(token);
        return token;
    }
    void heartbeat(const std::string& uuid, const std::string& token) {
        auto r = c.request("POST", "/v1/heartbeat/" + uuid,
                           json({{"callback_url", agent.url()},
                                 {"agent_token", token},
                                 {"agent_version", "0.1.0"},
                                 {"agent_verify_ca", agent.certificate_pem()}})
                               .dump());
        ASSERT_EQ(r.status, 202) << r.body;
    }
    // Heartbeats and waits until the worker handled it (the agent saw
    // `commands` commands in all).
    void heartbeat_and_wait(const std::string& uuid, const std::string& token, size_t commands) {
        heartbeat(uuid, token);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (agent.ran().size() < commands && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ASSERT_GE(agent.ran().size(), commands);
        test::wait_for_node(c, uuid, [](const json&) { return true; });
    }

    std::vector<json> history(const std::string& uuid) {
        auto r = c.request("GET", "/v1/nodes/" + uuid + "/history?detail=true");
        EXPECT_EQ(r.status, 200) << r.body;
        auto items = json::parse(r.body)["history"];
        return std::vector<json>(items.begin(), items.end());
    }

    test::ConductorProcess conductor{
        "[agent]\npost_deploy_get_power_state_retries = 0\n"
        "[deploy]\npower_off_after_deploy_failure = false\n"};
    HttpClient c = test::api_client(conductor.url());
    test::ScriptedAgent agent;
};

TEST_F(AgentDeployFlowTest, HeartbeatsDriveADirectDeployToActive) {
    const std::string uuid = available_node("d1", kMac);
    start(uuid, "active");
    json n = test::wait_for_provision_state(c, uuid, "wait call-back");
    ASSERT_EQ(n["provision_state"], "wait call-back") << n.dump();
    EXPECT_EQ(n["target_provision_state"], "active");
    EXPECT_EQ(n["power_state"], "power on") << "rebooted into the ramdisk";
    EXPECT_EQ(n["deploy_step"]["step"], "deploy");

    const std::string token = lookup(uuid);
    heartbeat_and_wait(uuid, token, 2);  // get_deploy_steps, execute_deploy_step
    n = test::wait_for_provision_state(c, uuid, "wait call-back");
    EXPECT_EQ(n["deploy_step"]["step"], "write_image");
    EXPECT_EQ(n["driver_internal_info"]["agent_url"], agent.url());
    const json image_info = agent.params_of("deploy.execute_deploy_step")["step"]["args"]["image_info"];
    EXPECT_EQ(image_info["urls"][0], "http://images.example/disk.raw");
    EXPECT_EQ(image_info["checksum"], std::string(64, 'c'));
    EXPECT_EQ(agent.params_of("deploy.execute_deploy_step")["ports"][0]["address"], kMac);

    // Still writing: the node waits, and its callback timeout restarts.
    heartbeat(uuid, token);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(test::wait_for_provision_state(c, uuid, "wait call-back")["provision_state"], "wait call-back");

    agent.finish();
    heartbeat(uuid, token);
    n = test::wait_for_provision_state(c, uuid, "active");
    ASSERT_EQ(n["provision_state"], "active") << n.dump();
    EXPECT_TRUE(n["target_provision_state"].is_null());
    EXPECT_TRUE(n["last_error"].is_null());
    EXPECT_EQ(n["power_state"], "power on");
    EXPECT_EQ(n["deploy_step"], json::object());
    EXPECT_FALSE(n["driver_internal_info"].contains("agent_url")) << "the agent is gone";
    EXPECT_EQ(agent.ran().back(), "standby.power_off");

    std::vector<std::string> changes;
    for (const auto& h : history(uuid))
        if (h["event_type"] == "provisioning") changes.push_back(h["event"]);
    const std::vector<std::string> tail = {"Provision state changed from \"available\" to \"deploying\"",
                                           "Provision state changed from \"deploying\" to \"wait call-back\"",
                                           "Provision state changed from \"wait call-back\" to \"deploying\"",
                                           "Provision state changed from \"deploying\" to \"active\""};
    ASSERT_GE(changes.size(), tail.size());
    EXPECT_EQ(std::vector<std::string>(changes.end() - tail.size(), changes.end()), tail);
    EXPECT_EQ(conductor.log().find(token), std::string::npos) << "the token leaked into the log";
}

TEST_F(AgentDeployFlowTest, AFailedCommandFailsTheDeployAndANewDeployForgetsTheAgent) {
    agent.on("deploy.execute_deploy_step",
             {"FAILED", nullptr, {{"message", "Error writing image"}, {"details", "checksum mismatch"}}});
    const std::string uuid = available_node("d2", kMac);
    start(uuid, "active");
    ASSERT_EQ(test::wait_for_provision_state(c, uuid, "wait call-back")["provision_state"], "wait call-back");
    const std::string token = lookup(uuid);
    heartbeat_and_wait(uuid, token, 2);
    agent.finish();
    heartbeat(uuid, token);
    json n = test::wait_for_provision_state(c, uuid, "deploy failed");
    ASSERT_EQ(n["provision_state"], "deploy failed") << n.dump();
    EXPECT_EQ(n["last_error"], "Deploy step deploy.write_image failed on node " + uuid + ". checksum mismatch");
    EXPECT_EQ(n["deploy_step"], json::object());
    bool error_row = false;
    for (const auto& h : history(uuid)) error_row |= h["severity"] == "ERROR" && h["event"] == n["last_error"];
    EXPECT_TRUE(error_row);
    // [deploy] power_off_after_deploy_failure = false: the agent stays known.
    EXPECT_EQ(n["driver_internal_info"]["agent_url"], agent.url());
    EXPECT_EQ(n["driver_internal_info"]["agent_secret_token"], "******");

    // Deploying again forgets that agent: its token no longer works and a
    // new lookup mints a new one.
    start(uuid, "active");
    n = test::wait_for_provision_state(c, uuid, "wait call-back");
    ASSERT_EQ(n["provision_state"], "wait call-back") << n.dump();
    EXPECT_TRUE(n["last_error"].is_null());
    for (const char* gone : {"agent_url", "agent_secret_token", "agent_last_heartbeat", "agent_pending_command"})
        EXPECT_FALSE(n["driver_internal_info"].contains(gone)) << gone;
    auto r = c.request("POST", "/v1/heartbeat/" + uuid,
                       json({{"callback_url", agent.url()},
                             {"agent_token", token},
                             {"agent_version", "0.1.0"},
                             {"agent_verify_ca", agent.certificate_pem()}})
                           .dump());
    EXPECT_EQ(r.status, 400) << "the old agent's token";
    const std::string fresh = lookup(uuid);
    EXPECT_NE(fresh, "******");
    EXPECT_NE(fresh, token);
}

TEST_F(AgentDeployFlowTest, StartingAnOperationForgetsAPreviousAgentWhateverTheInterface) {
    const std::string uuid = available_node("f1", kMac, "fake");
    plant_agent(conductor, uuid);
    start(uuid, "active");
    json n = test::wait_for_provision_state(c, uuid, "active");
    ASSERT_EQ(n["provision_state"], "active") << n.dump();
    for (const char* gone : {"agent_url", "agent_secret_token", "agent_last_heartbeat"})
        EXPECT_FALSE(n["driver_internal_info"].contains(gone)) << gone;
}

TEST_F(AgentDeployFlowTest, ManualCleanRunsTheStepThenReturnsToManageable) {
    const std::string uuid = available_node("m1", kMac);
    ASSERT_EQ(test::provision_action(c, uuid, "manage")["provision_state"], "manageable");
    start(uuid, "clean", {{"clean_steps", json::array({{{"interface", "deploy"}, {"step", "erase_devices"}}})}});
    json n = test::wait_for_provision_state(c, uuid, "clean wait");
    ASSERT_EQ(n["provision_state"], "clean wait") << n.dump();
    EXPECT_EQ(n["target_provision_state"], "manageable");
    const std::string token = lookup(uuid);
    heartbeat_and_wait(uuid, token, 2);  // get_clean_steps, execute_clean_step
    n = test::wait_for_provision_state(c, uuid, "clean wait");
    EXPECT_EQ(n["clean_step"]["step"], "erase_devices");
    EXPECT_EQ(agent.params_of("clean.execute_clean_step")["clean_version"]["generic_hardware_manager"], "1.2");
    agent.finish();
    heartbeat(uuid, token);
    n = test::wait_for_provision_state(c, uuid, "manageable");
    ASSERT_EQ(n["provision_state"], "manageable") << n.dump();
    EXPECT_TRUE(n["last_error"].is_null());
    EXPECT_EQ(n["clean_step"], json::object());
    EXPECT_EQ(n["power_state"], "power off");
}

}  // namespace
