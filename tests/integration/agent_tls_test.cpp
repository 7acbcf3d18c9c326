// ingot-agent and the conductor over TLS both ways, as real processes: the
// agent verifies the conductor's https API with the CA it is handed (and
// with nothing less: no CA, no lookup, unless ipa-insecure=1), serves its
// own command API over HTTPS with a certificate it makes at start, and a
// virtual-media agent uses the token on its kernel command line, never one
// from a lookup.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "common/ids.h"
#include "tests/support/agent_process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"
#include "tests/support/node_records.h"
#include "tests/support/vbmc_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

constexpr const char* kMac = "52:54:00:71:50:01";

// driver_internal_info as stored (the API masks the token).
json internal_info(const test::ConductorProcess& p, const std::string& uuid) {
    SQLite::Database db(p.state_dir() + "/ingot.sqlite", SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SQLite::Statement q(db, "SELECT driver_internal_info FROM nodes WHERE uuid = ?");
    q.bind(1, uuid);
    return q.executeStep() ? json::parse(q.getColumn(0).getString()) : json::object();
}

// A fake-hardware node with a port, waiting for its agent as a deploy
// leaves it, with `internal` as its driver_internal_info.
std::string waiting_node(const test::ConductorProcess& p, HttpClient& c, const json& internal = json::object()) {
    auto r = c.request("POST", "/v1/nodes", json({{"driver", "fake-hardware"}, {"name", "tls-node"}}).dump());
    EXPECT_EQ(r.status, 201) << r.body;
    const std::string uuid = json::parse(r.body)["uuid"];
    EXPECT_EQ(c.request("POST", "/v1/ports", json({{"address", kMac}, {"node_uuid", uuid}}).dump()).status, 201);
    EXPECT_TRUE(test::put_in_wait_callback(p, uuid, internal.dump()));
    return uuid;
}

// Polls the stored driver_internal_info until an agent heartbeated.
json wait_for_heartbeat(const test::ConductorProcess& p, const std::string& uuid) {
    json internal;
    for (int i = 0; i < 300; ++i) {
        internal = internal_info(p, uuid);
        if (internal.contains("agent_last_heartbeat")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return internal;
}

class AgentTls : public ::testing::Test {
protected:
    AgentTls()
        : ca(test::make_test_ca(dir.path())),
          conductor("[api]\nramdisk_heartbeat_timeout = 2\ntls_cert_file = " + ca.server_cert +
                        "\ntls_key_file = " + ca.server_key + "\n",
                    {ca.ca_cert, "", ""}) {}

    std::string cmdline(const std::string& text) {
        const std::string path = dir.path() + "/cmdline-" + std::to_string(++files);
        std::ofstream(path) << text << "\n";
        return path;
    }

    test::TempDir dir;
    int files = 0;
    test::TestCa ca;
    test::ConductorProcess conductor;
    HttpClient c = conductor.client();
};

TEST_F(AgentTls, TheAgentVerifiesTheConductorWithTheCaItIsGiven) {
    ASSERT_EQ(conductor.url().rfind("https://", 0), 0u);
    const std::string uuid = waiting_node(conductor, c);
    test::AgentProcess agent({"--api-url", conductor.url(), "--mac", kMac, "--api-ca", ca.ca_cert});
    const json internal = wait_for_heartbeat(conductor, uuid);
    ASSERT_TRUE(internal.contains("agent_last_heartbeat")) << agent.log() << conductor.log();
    EXPECT_EQ(internal["agent_url"], agent.url());
    EXPECT_EQ(internal["agent_verify_ca"], agent.certificate_pem());
    // The conductor says how the agent came and how it will reach it.
    EXPECT_NE(conductor.log().find("agent.connected node=" + uuid +
                                   " address=127.0.0.1 api_scheme=https callback_url=" + agent.url() +
                                   " agent_tls=pinned certificate_sha256="),
              std::string::npos)
        << conductor.log();
    EXPECT_NE(agent.log().find("agent.api_tls verify=true ca=" + ca.ca_cert + " from=--api-ca"), std::string::npos)
        << agent.log();
}

TEST_F(AgentTls, NoCaNoLookupUnlessInsecureIsAskedFor) {
    const std::string uuid = waiting_node(conductor, c);
    {
        // The system's CAs do not know the test CA: the lookup fails.
        test::AgentProcess agent({"--api-url", conductor.url(), "--mac", kMac});
        std::this_thread::sleep_for(std::chrono::seconds(2));
        EXPECT_NE(agent.log().find("agent.lookup_failed"), std::string::npos) << agent.log();
        EXPECT_NE(agent.log().find("TLS verification of " + conductor.url()), std::string::npos) << agent.log();
        EXPECT_FALSE(internal_info(conductor, uuid).contains("agent_secret_token")) << "a lookup went through";
    }
    {
        // ipa-api-ca= on the kernel command line names it.
        test::AgentProcess agent({"--api-url", conductor.url(), "--mac", kMac, "--kernel-cmdline",
                                  cmdline("quiet ipa-api-ca=" + ca.ca_cert)});
        const json internal = wait_for_heartbeat(conductor, uuid);
        EXPECT_TRUE(internal.contains("agent_last_heartbeat")) << agent.log();
    }
}

TEST_F(AgentTls, InsecureIsAnExplicitChoice) {
    const std::string uuid = waiting_node(conductor, c);
    test::AgentProcess agent(
        {"--api-url", conductor.url(), "--mac", kMac, "--kernel-cmdline", cmdline("ipa-insecure=1")});
    const json internal = wait_for_heartbeat(conductor, uuid);
    EXPECT_TRUE(internal.contains("agent_last_heartbeat")) << agent.log();
    EXPECT_NE(agent.log().find("agent.api_tls verify=false reason=\"ipa-insecure on the kernel command line\""),
              std::string::npos)
        << agent.log();
}

TEST_F(AgentTls, AVirtualMediaAgentUsesTheTokenOnItsCommandLine) {
    const std::string token = generate_token(32);
    const std::string uuid =
        waiting_node(conductor, c, {{"agent_secret_token", token}, {"agent_secret_token_pregenerated", true}});
    // Anyone's lookup gets the mask: nothing to steal, nothing to refuse.
    HttpClient other = conductor.client();
    other.set_local_address("127.0.0.2");
    auto r = other.request("GET", std::string("/v1/lookup?addresses=") + kMac);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["config"]["agent_token"], "******");

    test::AgentProcess agent({"--api-url", conductor.url(), "--mac", kMac, "--api-ca", ca.ca_cert, "--kernel-cmdline",
                              cmdline("boot_method=vmedia ipa-agent-token=" + token)});
    const json internal = wait_for_heartbeat(conductor, uuid);
    ASSERT_TRUE(internal.contains("agent_last_heartbeat")) << agent.log() << conductor.log();
    EXPECT_EQ(internal["agent_secret_token"], token) << "the token changed";
    // Issued to no address: the first heartbeat's is the one from now on.
    EXPECT_EQ(internal["agent_lookup_address"], "127.0.0.1");
    json n = test::get_node(c, uuid);
    EXPECT_EQ(n["provision_state"], "wait call-back");
    EXPECT_TRUE(n["last_error"].is_null()) << n.dump();

    // The command API wants that token from the start.
    HttpClient a = agent.client(std::chrono::seconds(10));
    const std::string command = json({{"name", "clean.get_clean_steps"}, {"params", json::object()}}).dump();
    EXPECT_EQ(a.request("POST", "/v1/commands/?wait=true", command).status, 401);
    EXPECT_EQ(a.request("POST", "/v1/commands/?wait=true&agent_token=" + token, command).status, 200);
    EXPECT_EQ(agent.log().find(token), std::string::npos) << "the agent logged its token";
}

}  // namespace
