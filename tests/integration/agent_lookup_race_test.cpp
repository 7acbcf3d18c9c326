// Attacks on the agent channel of issue 14, replayed against a real
// conductor over HTTP and a scripted agent serving HTTPS (auto-TLS); the
// attacker is a client at another loopback address (127.0.0.2) on the same
// "provisioning network":
//   - a node UUID listed from the API is not enough to look a node up and
//     learn its token (a MAC of its ports must come with it);
//   - a second lookup after the token was handed out is refused with the
//     bare 404 of "no such node", recorded in the history with both
//     addresses, and revokes the token: the deploy fails, whichever of the
//     two machines is the real one; a new deploy starts afresh;
//   - heartbeats come only from the address the token went to;
//   - the agent's certificate is pinned at its first heartbeat; a changed
//     or bogus one is refused, plain HTTP is refused, and the conductor
//     talks to nothing but the pinned certificate (no token or config drive
//     for a machine in the middle).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <thread>

#include "common/http_client.h"
#include "common/ids.h"
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"
#include "tests/support/scripted_agent.h"

using namespace ingot;
using nlohmann::json;

namespace {

constexpr const char* kMac = "52:54:00:7a:c0:01";
constexpr const char* kThief = "127.0.0.2";

class AgentChannelAttack : public ::testing::Test {
protected:
    explicit AgentChannelAttack(const std::string& extra_config = "")
        : conductor(
              "[agent]\npost_deploy_get_power_state_retries = 0\n"
              "[deploy]\npower_off_after_deploy_failure = false\n" +
              extra_config) {
        thief.set_local_address(kThief);
        agent.on("deploy.get_deploy_steps", {"SUCCEEDED", test::ScriptedAgent::write_image_deploy_steps()});
    }

    // An available direct-deploy node with one port, an image and a config
    // drive to deploy; the deploy is started and waits for its agent.
    std::string deploying_node(const std::string& name) {
        const std::string uuid = test::available_agent_node(c, name, kMac);
        deploy(uuid);
        return uuid;
    }

    void deploy(const std::string& uuid) {
        auto r =
            c.request("PUT", "/v1/nodes/" + uuid + "/states/provision",
                      json({{"target", "active"}, {"configdrive", {{"meta_data", {{"root_password", "s3"}}}}}}).dump());
        ASSERT_EQ(r.status, 202) << r.body;
        ASSERT_EQ(test::wait_for_provision_state(c, uuid, "wait call-back")["provision_state"], "wait call-back");
    }

    HttpResponse lookup(HttpClient& from, const std::string& query) {
        return from.request("GET", "/v1/lookup?" + query);
    }

    HttpResponse heartbeat(HttpClient& from, const std::string& uuid, const std::string& token, const std::string& url,
                           const std::string& cert) {
        json body = {{"callback_url", url}, {"agent_token", token}, {"agent_version", "0.1.0"}};
        if (!cert.empty()) body["agent_verify_ca"] = cert;
        return from.request("POST", "/v1/heartbeat/" + uuid, body.dump());
    }

    std::vector<json> history(const std::string& uuid) {
        auto items = json::parse(c.request("GET", "/v1/nodes/" + uuid + "/history?detail=true").body)["history"];
        return std::vector<json>(items.begin(), items.end());
    }

    // The real agent's lookup by MAC (and UUID, as IPA sends both).
    std::string agent_lookup(const std::string& uuid) {
        auto r = lookup(c, std::string("addresses=") + kMac + "&node_uuid=" + uuid);
        EXPECT_EQ(r.status, 200) << r.body;
        if (r.status != 200) return "";
        const std::string token = json::parse(r.body)["config"]["agent_token"];
        agent.set_token(token);
        return token;
    }

    test::ConductorProcess conductor;
    HttpClient c = test::api_client(conductor.url());
    HttpClient thief = test::api_client(conductor.url());
    test::ScriptedAgent agent;
};

// What a lookup of a node that does not exist answers: the refusals below
// must be indistinguishable from it.
std::string not_found_body(HttpClient& c) {
    return c.request("GET", "/v1/lookup?node_uuid=" + generate_uuid()).body;
}

TEST_F(AgentChannelAttack, AListedUuidAloneGetsNoToken) {
    const std::string uuid = deploying_node("n1");
    ASSERT_FALSE(HasFailure());
    // The attack of the issue: the UUID from the node list, then a lookup by it.
    const json listed = json::parse(thief.request("GET", "/v1/nodes").body)["nodes"];
    ASSERT_EQ(listed[0]["uuid"], uuid);
    auto r = lookup(thief, "node_uuid=" + uuid);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.body, not_found_body(thief)) << "the refusal tells the attacker something";
    r = lookup(thief, "addresses=52:54:00:00:00:99&node_uuid=" + uuid);
    EXPECT_EQ(r.status, 404) << "a MAC that is not the node's";
    r = heartbeat(thief, uuid, "guess", "https://127.0.0.2:9999", "");
    EXPECT_EQ(r.status, 400) << r.body;

    // Nothing was handed out: the real agent's lookup is the first, and the
    // config drive goes to it.
    const std::string token = agent_lookup(uuid);
    ASSERT_FALSE(token.empty());
    r = heartbeat(c, uuid, token, agent.url(), agent.certificate_pem());
    ASSERT_EQ(r.status, 202) << r.body;
    json n = test::wait_for_node(c, uuid, [&](const json&) { return agent.ran().size() >= 2; });
    ASSERT_EQ(agent.ran().size(), 2u) << n.dump();
    const json step = agent.params_of("deploy.execute_deploy_step")["step"];
    EXPECT_EQ(step["args"]["configdrive"]["meta_data"]["root_password"], "s3");
    EXPECT_EQ(n["provision_state"], "wait call-back");
    EXPECT_TRUE(n["last_error"].is_null()) << n.dump();
}

TEST_F(AgentChannelAttack, ASecondLookupIsRefusedRecordedAndFailsTheDeploy) {
    const std::string uuid = deploying_node("n2");
    ASSERT_FALSE(HasFailure());
    const std::string token = agent_lookup(uuid);
    ASSERT_FALSE(token.empty());
    // The attacker copied the node's MAC.
    auto r = lookup(thief, std::string("addresses=") + kMac);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.body, not_found_body(thief));
    EXPECT_EQ(r.body.find(token), std::string::npos);

    // Two machines claim the node: the token is revoked, the deploy fails.
    json n = test::wait_for_provision_state(c, uuid, "deploy failed");
    ASSERT_EQ(n["provision_state"], "deploy failed") << n.dump();
    const std::string error = n["last_error"];
    EXPECT_NE(error.find("Agent token revoked"), std::string::npos) << error;
    EXPECT_NE(error.find("looked up again from 127.0.0.2 after its agent token had been issued to 127.0.0.1"),
              std::string::npos)
        << error;
    bool recorded = false;
    for (const auto& h : history(uuid))
        recorded |= h["severity"] == "ERROR" && h["event_type"] == "agent" &&
                    h["event"].get<std::string>().find("from 127.0.0.2") != std::string::npos &&
                    h["event"].get<std::string>().find("issued to 127.0.0.1") != std::string::npos;
    EXPECT_TRUE(recorded) << json(history(uuid)).dump(2);
    for (const char* gone : {"agent_secret_token", "agent_lookup_address", "agent_url"})
        EXPECT_FALSE(n["driver_internal_info"].contains(gone)) << gone;

    // The token is worth nothing now, to either machine; no command ran.
    r = heartbeat(c, uuid, token, agent.url(), agent.certificate_pem());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(agent.ran().empty());
    EXPECT_EQ(conductor.log().find(token), std::string::npos) << "the token reached the log";

    // A new deploy starts afresh: its agent gets a new token.
    deploy(uuid);
    const std::string fresh = agent_lookup(uuid);
    EXPECT_FALSE(fresh.empty());
    EXPECT_NE(fresh, token);
}

TEST_F(AgentChannelAttack, AThiefThatLooksUpFirstIsExposedByTheRealAgent) {
    const std::string uuid = deploying_node("n3");
    ASSERT_FALSE(HasFailure());
    auto r = lookup(thief, std::string("addresses=") + kMac);
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string stolen = json::parse(r.body)["config"]["agent_token"];
    // The real machine boots and looks up: refused, and the stolen token dies.
    r = lookup(c, std::string("addresses=") + kMac + "&node_uuid=" + uuid);
    EXPECT_EQ(r.status, 404);
    json n = test::wait_for_provision_state(c, uuid, "deploy failed");
    ASSERT_EQ(n["provision_state"], "deploy failed") << n.dump();
    EXPECT_NE(n["last_error"].get<std::string>().find("looked up again from 127.0.0.1 after its agent token had "
                                                      "been issued to 127.0.0.2"),
              std::string::npos)
        << n.dump();
    test::ScriptedAgent impostor(stolen);
    r = heartbeat(thief, uuid, stolen, impostor.url(), impostor.certificate_pem());
    EXPECT_EQ(r.status, 400) << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(impostor.requests().empty()) << "the conductor called the thief";
}

TEST_F(AgentChannelAttack, HeartbeatsComeOnlyFromTheTokensAddress) {
    const std::string uuid = deploying_node("n4");
    ASSERT_FALSE(HasFailure());
    const std::string token = agent_lookup(uuid);
    // The token leaked (read off the wire, say): from elsewhere it is refused.
    test::ScriptedAgent impostor(token);
    auto r = heartbeat(thief, uuid, token, impostor.url(), impostor.certificate_pem());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(test::api_fault(r)["faultstring"],
              "Heartbeat refused: it did not come from the address the agent token was issued to.");
    bool recorded = false;
    for (const auto& h : history(uuid))
        recorded |= h["event_type"] == "agent" && h["severity"] == "ERROR" &&
                    h["event"].get<std::string>().find("came from 127.0.0.2, not from 127.0.0.1") != std::string::npos;
    EXPECT_TRUE(recorded) << json(history(uuid)).dump(2);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(impostor.requests().empty()) << "the conductor called the impostor";
    // From the token's address, the agent goes on.
    r = heartbeat(c, uuid, token, agent.url(), agent.certificate_pem());
    EXPECT_EQ(r.status, 202) << r.body;
    test::wait_for_node(c, uuid, [&](const json&) { return agent.ran().size() >= 2; });
    EXPECT_EQ(agent.ran().size(), 2u);
}

class AgentBehindNat : public AgentChannelAttack {
protected:
    AgentBehindNat() : AgentChannelAttack("[api]\nagent_heartbeat_address_check = false\n") {}
};

TEST_F(AgentBehindNat, TheAddressCheckCanBeTurnedOff) {
    const std::string uuid = deploying_node("n5");
    ASSERT_FALSE(HasFailure());
    const std::string token = agent_lookup(uuid);
    HttpClient moved = test::api_client(conductor.url());
    moved.set_local_address(kThief);  // the NAT gave the agent another address
    auto r = heartbeat(moved, uuid, token, agent.url(), agent.certificate_pem());
    EXPECT_EQ(r.status, 202) << r.body;
    test::wait_for_node(c, uuid, [&](const json&) { return agent.ran().size() >= 2; });
    EXPECT_EQ(agent.ran().size(), 2u);
}

TEST_F(AgentChannelAttack, TheAgentsCertificateIsPinnedAndPlainHttpRefused) {
    const std::string uuid = deploying_node("n6");
    ASSERT_FALSE(HasFailure());
    const std::string token = agent_lookup(uuid);
    test::ScriptedAgent plain(token, test::ScriptedAgent::Plain::yes);
    auto r = heartbeat(c, uuid, token, plain.url(), "");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(test::api_fault(r)["faultstring"],
              "Agent callback URL must use https: this conductor does not talk plain HTTP to agents ([agent] "
              "require_tls).");
    r = heartbeat(c, uuid, token, agent.url(), "-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(test::api_fault(r)["faultstring"].get<std::string>().rfind("Invalid agent_verify_ca: ", 0), 0u) << r.body;

    r = heartbeat(c, uuid, token, agent.url(), agent.certificate_pem());
    ASSERT_EQ(r.status, 202) << r.body;
    json n = test::wait_for_node(c, uuid, [&](const json&) { return agent.ran().size() >= 2; });
    EXPECT_EQ(n["driver_internal_info"]["agent_verify_ca"], agent.certificate_pem());
    // Another certificate for the same agent: someone else holds the URL.
    test::ScriptedAgent other(token);
    r = heartbeat(c, uuid, token, agent.url(), other.certificate_pem());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(test::api_fault(r)["faultstring"], "Detected change in ramdisk provided \"agent_verify_ca\"");
    EXPECT_NE(conductor.log().find("agent.connected node=" + uuid), std::string::npos);
    EXPECT_NE(conductor.log().find("api_scheme=http callback_url=" + agent.url() + " agent_tls=pinned"),
              std::string::npos)
        << conductor.log();
}

TEST_F(AgentChannelAttack, TheConductorTalksOnlyToThePinnedCertificate) {
    const std::string uuid = deploying_node("n7");
    ASSERT_FALSE(HasFailure());
    const std::string token = agent_lookup(uuid);
    // A machine in the middle answers at the agent's URL with its own key:
    // the certificate pinned is the real agent's, so the handshake fails
    // and neither the token nor the config drive is sent to it.
    test::ScriptedAgent real(token);
    auto r = heartbeat(c, uuid, token, agent.url(), real.certificate_pem());
    ASSERT_EQ(r.status, 202) << r.body;
    json n = test::wait_for_provision_state(c, uuid, "deploy failed");
    ASSERT_EQ(n["provision_state"], "deploy failed") << n.dump();
    EXPECT_NE(n["last_error"].get<std::string>().find("Failed to connect to the agent"), std::string::npos)
        << n["last_error"];
    EXPECT_TRUE(agent.requests().empty()) << "a request reached the machine in the middle";
    EXPECT_TRUE(real.requests().empty());
}

class PlainHttpAgents : public AgentChannelAttack {
protected:
    PlainHttpAgents() : AgentChannelAttack("[agent]\nrequire_tls = false\n") {}
};

TEST_F(PlainHttpAgents, AreAcceptedWhenRequireTlsIsOff) {
    const std::string uuid = deploying_node("n8");
    ASSERT_FALSE(HasFailure());
    const std::string token = agent_lookup(uuid);
    test::ScriptedAgent plain(token, test::ScriptedAgent::Plain::yes);
    plain.on("deploy.get_deploy_steps", {"SUCCEEDED",
                                         {{"deploy_steps", {{"GenericHardwareManager", json::array()}}},
                                          {"hardware_manager_version", {{"generic_hardware_manager", "1.2"}}}}});
    auto r = heartbeat(c, uuid, token, plain.url(), "");
    ASSERT_EQ(r.status, 202) << r.body;
    test::wait_for_node(c, uuid, [&](const json&) { return plain.ran().size() >= 2; });
    EXPECT_EQ(plain.ran().size(), 2u);
}

}  // namespace
