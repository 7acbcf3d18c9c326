// auth_strategy = keystone against a real Keystone (Debian's, served by
// uwsgi from a private directory) and a real conductor process: tokens as
// clients get them from Keystone, validated by the conductor with its own
// service token, over real HTTP.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "common/http_client.h"
#include "common/ids.h"
#include "common/x509.h"
#include "tests/support/conductor_process.h"
#include "tests/support/keystone_process.h"
#include "tests/support/node_api.h"
#include "tests/support/node_records.h"

using namespace ingot;
using nlohmann::json;
namespace users = test::keystone_users;

namespace {

constexpr const char* kPublicKeystone = "https://keystone.example.com:5000/v3";
constexpr const char* kMac = "52:54:00:4b:53:01";

std::string conductor_config(const test::KeystoneProcess& keystone, int cache_seconds,
                             const std::string& password = users::kService.password) {
    return "[DEFAULT]\nauth_strategy = keystone\n"
           "[keystone_authtoken]\n"
           "auth_url = " +
           keystone.url() +
           "\n"
           "www_authenticate_uri = " +
           kPublicKeystone +
           "\n"
           "auth_type = password\n"
           "username = " +
           users::kService.name +
           "\n"
           "password = " +
           password +
           "\n"
           "user_domain_name = Default\nproject_name = service\nproject_domain_name = Default\n"
           "token_cache_time = " +
           std::to_string(cache_seconds) +
           "\n"
           "http_connect_timeout = 5\nhttp_request_max_retries = 1\n";
}

// How many token validations Keystone has served (uwsgi logs each request
// right after answering it: let the last line land first).
size_t validations(const test::KeystoneProcess& keystone) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::string log = keystone.log();
    size_t n = 0;
    for (size_t at = log.find("GET /v3/auth/tokens"); at != std::string::npos;
         at = log.find("GET /v3/auth/tokens", at + 1))
        ++n;
    return n;
}

HttpResponse get(HttpClient& c, const std::string& path, const std::string& token) {
    if (token.empty()) return c.request("GET", path);
    return c.request("GET", path, {}, {{"X-Auth-Token", token}});
}

void expect_401_with_challenge(const HttpResponse& r, const std::string& what) {
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), std::string("Keystone uri=\"") + kPublicKeystone + "\"")
        << what;
    // Ironic's error body, naming what is wrong.
    EXPECT_FALSE(test::api_fault(r).value("faultstring", std::string()).empty()) << what << ": " << r.body;
}

// Puts the node in `wait call-back`, where its agent looks it up, as a
// deploy that boots the ramdisk leaves it (fake-hardware has no such step).
void wait_for_agent(const test::ConductorProcess& conductor, const std::string& uuid) {
    ASSERT_TRUE(test::put_in_wait_callback(conductor, uuid));
}

std::set<std::string> node_names(const HttpResponse& r) {
    std::set<std::string> names;
    const json list = json::parse(r.body);  // not in the for: a temporary would die first
    for (const auto& n : list["nodes"]) names.insert(n["name"].get<std::string>());
    return names;
}

class KeystoneAuthTest : public ::testing::Test {
protected:
    static constexpr int kCacheSeconds = 3;

    static void SetUpTestSuite() {
        ASSERT_NO_THROW(keystone_ = std::make_unique<test::KeystoneProcess>());
        ASSERT_NO_THROW(conductor_ =
                            std::make_unique<test::ConductorProcess>(conductor_config(*keystone_, kCacheSeconds)));
    }
    static void TearDownTestSuite() {
        conductor_.reset();
        keystone_.reset();
    }
    void SetUp() override {
        if (!conductor_) GTEST_FAIL() << "the suite's Keystone or conductor did not start";
        c_ = std::make_unique<HttpClient>(test::api_client(conductor_->url()));
    }
    void TearDown() override {
        if (!conductor_) return;
        EXPECT_EQ(conductor_->log().find(users::kService.password), std::string::npos)
            << "the service password is in the conductor's log";
    }

    HttpResponse as(const std::string& token, const std::string& method, const std::string& path,
                    const json& body = nullptr) {
        return c_->request(method, path, body.is_null() ? std::string() : body.dump(), {{"X-Auth-Token", token}});
    }
    std::string create_node(const std::string& admin, json fields) {
        fields["driver"] = "fake-hardware";
        auto r = as(admin, "POST", "/v1/nodes", fields);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? json::parse(r.body)["uuid"].get<std::string>() : "";
    }

    static std::unique_ptr<test::KeystoneProcess> keystone_;
    static std::unique_ptr<test::ConductorProcess> conductor_;
    std::unique_ptr<HttpClient> c_;
};

std::unique_ptr<test::KeystoneProcess> KeystoneAuthTest::keystone_;
std::unique_ptr<test::ConductorProcess> KeystoneAuthTest::conductor_;

TEST_F(KeystoneAuthTest, MissingGarbageAndOversizedTokensAre401WithTheChallenge) {
    expect_401_with_challenge(get(*c_, "/v1/nodes", ""), "no token");
    expect_401_with_challenge(get(*c_, "/v1/nodes", "not-a-keystone-token"), "garbage token");
    // A refused token is remembered (for token_cache_time, 3 s here): asking
    // again at once costs Keystone nothing.
    const size_t after_garbage = validations(*keystone_);
    expect_401_with_challenge(get(*c_, "/v1/nodes", "not-a-keystone-token"), "garbage token again");
    EXPECT_EQ(validations(*keystone_), after_garbage);

    // A well-formed Fernet token Keystone never issued.
    std::string forged = keystone_->token(users::kReader, "system");
    forged[20] = forged[20] == 'A' ? 'B' : 'A';
    expect_401_with_challenge(get(*c_, "/v1/nodes", forged), "forged token");

    // Refused on sight: Keystone is not asked.
    const size_t before = validations(*keystone_);
    expect_401_with_challenge(get(*c_, "/v1/nodes", std::string(8193, 'A')), "token over 8 KiB");
    expect_401_with_challenge(get(*c_, "/v1/nodes", "t\xc3\xb6ken"), "token with non-ASCII bytes");
    EXPECT_EQ(validations(*keystone_), before) << "Keystone was asked about a token refused on sight";
}

TEST_F(KeystoneAuthTest, GoodTokenCreatesAndListsNodesAsASystemAdmin) {
    const std::string admin = keystone_->token(users::kAdmin, "system");
    const std::string uuid = create_node(admin, {{"name", "ks-admin-node"}});
    auto r = as(admin, "GET", "/v1/nodes");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(node_names(r).count("ks-admin-node")) << r.body;
    // Validated once, then answered from the cache.
    const size_t before = validations(*keystone_);
    EXPECT_EQ(as(admin, "GET", "/v1/nodes/" + uuid).status, 200);
    EXPECT_EQ(validations(*keystone_), before);
    EXPECT_EQ(as(admin, "DELETE", "/v1/nodes/" + uuid).status, 204);

    // A project-scoped token is a good token too (what it may do is policy).
    EXPECT_EQ(as(keystone_->token(users::kOwnerReader, "owner-proj"), "GET", "/v1/nodes").status, 200);
}

TEST_F(KeystoneAuthTest, RevokedTokenIsRefusedWithinTheCacheTime) {
    const std::string token = keystone_->token(users::kReader, "system");
    ASSERT_EQ(get(*c_, "/v1/nodes", token).status, 200);
    keystone_->revoke(token);
    std::this_thread::sleep_for(std::chrono::seconds(kCacheSeconds) + std::chrono::milliseconds(500));
    expect_401_with_challenge(get(*c_, "/v1/nodes", token), "revoked token");
}

TEST_F(KeystoneAuthTest, KeystoneDownIs503UntilItIsBack) {
    const std::string token = keystone_->token(users::kReader, "system");  // not seen by the conductor yet
    keystone_->stop();
    auto r = get(*c_, "/v1/nodes", token);
    EXPECT_EQ(r.status, 503) << "Keystone unreachable is the service's fault, not the caller's: " << r.body;
    EXPECT_FALSE(r.header("WWW-Authenticate"));
    EXPECT_FALSE(test::api_fault(r).value("faultstring", std::string()).empty()) << r.body;
    keystone_->start();
    r = get(*c_, "/v1/nodes", token);
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(KeystoneAuthTest, LookupAndHeartbeatNeedNoToken) {
    EXPECT_EQ(get(*c_, "/", "").status, 200);
    EXPECT_EQ(get(*c_, "/v1", "").status, 200);
    const std::string admin = keystone_->token(users::kAdmin, "system");
    const std::string uuid = create_node(admin, {{"name", "ks-agent-node"}});
    ASSERT_EQ(as(admin, "POST", "/v1/ports", {{"address", kMac}, {"node_uuid", uuid}}).status, 201);
    wait_for_agent(*conductor_, uuid);
    // The agent's calls carry no Keystone token: its agent token binds them.
    auto r = get(*c_, std::string("/v1/lookup?addresses=") + kMac, "");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string agent_token = json::parse(r.body)["config"]["agent_token"];
    r = c_->request("POST", "/v1/heartbeat/" + uuid,
                    json{{"callback_url", "https://127.0.0.1:9999"},
                         {"agent_token", agent_token},
                         {"agent_version", "1"},
                         {"agent_verify_ca", x509::make_self_signed("127.0.0.1").certificate_pem}}
                        .dump());
    EXPECT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(conductor_->log().find(agent_token), std::string::npos);
}

TEST_F(KeystoneAuthTest, WrongServicePasswordIs503AndNamesNoSecret) {
    const std::string wrong = "wrong-service-password-Zq81";
    test::ConductorProcess misconfigured(conductor_config(*keystone_, kCacheSeconds, wrong));
    HttpClient c = test::api_client(misconfigured.url());
    auto r = c.request("GET", "/v1/nodes", {}, {{"X-Auth-Token", keystone_->token(users::kReader, "system")}});
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.body.find(wrong), std::string::npos);
    const std::string log = misconfigured.log();
    EXPECT_NE(log.find("auth.keystone_service_refused"), std::string::npos) << log;
    EXPECT_EQ(log.find(wrong), std::string::npos) << "the service password is in the log";
}

// The caller's scope reaches the handlers: the policy filters and refuses
// by what Keystone said of the token.
TEST_F(KeystoneAuthTest, ProjectReaderListsOnlyItsOwnedAndLeasedNodes) {
    const std::string admin = keystone_->token(users::kAdmin, "system");
    const std::string owner = keystone_->project_id("owner-proj");
    const std::string lessee = keystone_->project_id("lessee-proj");
    create_node(admin, {{"name", "ks-owned"}, {"owner", owner}});
    create_node(admin, {{"name", "ks-leased"}, {"owner", lessee}, {"lessee", owner}});
    create_node(admin, {{"name", "ks-foreign"}, {"owner", lessee}});
    auto r = as(keystone_->token(users::kOwnerReader, "owner-proj"), "GET", "/v1/nodes");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto names = node_names(r);
    EXPECT_TRUE(names.count("ks-owned"));
    EXPECT_TRUE(names.count("ks-leased"));
    EXPECT_FALSE(names.count("ks-foreign")) << "a project reader sees another project's node";
    r = as(keystone_->token(users::kReader, "system"), "GET", "/v1/nodes");
    EXPECT_TRUE(node_names(r).count("ks-foreign")) << "a system reader sees every node";
}

TEST_F(KeystoneAuthTest, ProjectMemberCannotSetOwner) {
    const std::string admin = keystone_->token(users::kAdmin, "system");
    const std::string owner = keystone_->project_id("owner-proj");
    const std::string uuid = create_node(admin, {{"name", "ks-member-owned"}, {"owner", owner}});
    const json patch =
        json::array({{{"op", "replace"}, {"path", "/owner"}, {"value", keystone_->project_id("lessee-proj")}}});
    auto r = as(keystone_->token(users::kOwnerMember, "owner-proj"), "PATCH", "/v1/nodes/" + uuid, patch);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(test::get_node(*c_, uuid + "?fields=owner").value("owner", json()), json()) << "unchanged";
}

TEST_F(KeystoneAuthTest, SystemReaderCannotCreateNodes) {
    auto r = as(keystone_->token(users::kReader, "system"), "POST", "/v1/nodes",
                {{"driver", "fake-hardware"}, {"name", "ks-reader-node"}});
    EXPECT_EQ(r.status, 403) << r.body;
}

// Tokens that expire before the cache would forget them, and a service
// token that must be renewed while the conductor runs.
TEST(KeystoneExpiryTest, ExpiredTokenIsRefusedThoughTheCacheTimeIsLonger) {
    test::KeystoneProcess keystone(test::KeystoneOptions{8});
    test::ConductorProcess conductor(conductor_config(keystone, 300));
    HttpClient c = test::api_client(conductor.url());
    const std::string token = keystone.token(users::kReader, "system");
    ASSERT_EQ(get(c, "/v1/nodes", token).status, 200);
    std::this_thread::sleep_for(std::chrono::seconds(10));
    expect_401_with_challenge(get(c, "/v1/nodes", token), "expired token");
    // The conductor's own token expired too and was renewed ahead of time.
    EXPECT_EQ(get(c, "/v1/nodes", keystone.token(users::kReader, "system")).status, 200);
    const std::string log = conductor.log();
    EXPECT_NE(log.find("auth.keystone_service_token_renewal reason=expiring"), std::string::npos) << log;
    EXPECT_EQ(log.find(users::kService.password), std::string::npos);
}

}  // namespace
