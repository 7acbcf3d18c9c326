// auth_strategy = keystone, one class at a time: [keystone_authtoken] read
// and checked at start, Keystone's token documents read into a caller, and
// what the authenticator refuses before asking Keystone. The round trips to
// a real Keystone are in tests/integration/keystone_auth_test.cpp.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "conductor/auth/authenticator.h"
#include "conductor/auth/keystone_authenticator.h"
#include "conductor/auth/keystone_settings.h"
#include "conductor/auth/keystone_token.h"
#include "conductor/options.h"
#include "tests/support/conductor_process.h"

namespace ingot::conductor::auth {
namespace {

using nlohmann::json;

config::Config keystone_config(const std::map<std::string, std::string>& overrides = {}) {
    config::Config c(conductor_options());
    c.set("DEFAULT", "auth_strategy", "keystone");
    std::map<std::string, std::string> values = {{"auth_url", "http://127.0.0.1:5000/"},
                                                 {"username", "ingot"},
                                                 {"password", "s3cret-service-password"},
                                                 {"project_name", "service"}};
    for (const auto& [k, v] : overrides) values[k] = v;
    for (const auto& [k, v] : values) c.set("keystone_authtoken", k, v);
    return c;
}

std::string config_error(const config::Config& c) {
    try {
        keystone_settings(c);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(KeystoneSettings, ReadsTheSectionWithKeystonemiddlewaresDefaults) {
    const KeystoneSettings s = keystone_settings(keystone_config());
    EXPECT_EQ(s.auth_url, "http://127.0.0.1:5000/v3");
    EXPECT_EQ(s.www_authenticate_uri, "http://127.0.0.1:5000/v3") << "defaults to auth_url";
    EXPECT_EQ(s.user_domain_id, "default");
    EXPECT_EQ(s.project_domain_id, "default");
    EXPECT_EQ(s.token_cache_time, std::chrono::seconds(300));
    EXPECT_EQ(s.max_retries, 3);
    EXPECT_FALSE(s.insecure);

    const KeystoneSettings named = keystone_settings(keystone_config({{"user_domain_name", "Users"},
                                                                      {"project_domain_name", "Projects"},
                                                                      {"www_authenticate_uri", "https://k/v3"}}));
    EXPECT_EQ(named.user_domain_id, "");
    EXPECT_EQ(named.user_domain_name, "Users");
    EXPECT_EQ(named.project_domain_name, "Projects");
    EXPECT_EQ(named.www_authenticate_uri, "https://k/v3");
}

TEST(KeystoneSettings, NormalisesTheIdentityUrlToV3) {
    EXPECT_EQ(keystone_v3_url("http://k:5000"), "http://k:5000/v3");
    EXPECT_EQ(keystone_v3_url("http://k:5000/v3/"), "http://k:5000/v3");
    EXPECT_EQ(keystone_v3_url("https://k/identity"), "https://k/identity/v3");
    EXPECT_THROW(keystone_v3_url("k:5000"), ConfigError);
}

TEST(KeystoneSettings, RefusesWhatCannotWorkNamingTheOption) {
    EXPECT_NE(config_error(keystone_config({{"auth_type", "v3token"}})).find("auth_type = v3token"), std::string::npos);
    EXPECT_NE(config_error(keystone_config({{"auth_type", "v3applicationcredential"}})).find("only password"),
              std::string::npos);
    EXPECT_EQ(config_error(keystone_config({{"auth_type", "v3password"}})), "");
    for (const char* option : {"auth_url", "username", "password", "project_name"})
        EXPECT_NE(config_error(keystone_config({{option, ""}})).find(std::string("[keystone_authtoken] ") + option),
                  std::string::npos)
            << option;
    // make_authenticator applies the same checks at start.
    EXPECT_THROW(make_authenticator(keystone_config({{"auth_type", "token"}})), ConfigError);
    EXPECT_STREQ(make_authenticator(keystone_config())->name(), "keystone");
}

TEST(KeystoneSettings, TheErrorsNeverCarryThePassword) {
    for (const char* option : {"auth_url", "username", "project_name", "auth_type"}) {
        const std::string message = config_error(keystone_config({{option, ""}}));
        EXPECT_EQ(message.find("s3cret-service-password"), std::string::npos) << message;
    }
}

json token_document() {
    return {{"token",
             {{"methods", {"password"}},
              {"user", {{"id", "u1"}, {"name", "alice"}, {"domain", {{"id", "default"}, {"name", "Default"}}}}},
              {"project", {{"id", "p1"}, {"name", "owner-proj"}, {"domain", {{"id", "d1"}}}}},
              {"roles", {{{"id", "r1"}, {"name", "member"}}, {{"id", "r2"}, {"name", "reader"}}}},
              {"issued_at", "2030-01-01T10:00:00.000000Z"},
              {"expires_at", "2030-01-01T11:00:00.000000Z"}}}};
}

TEST(KeystoneToken, AProjectTokenGivesUserProjectAndRolesAsKeystoneSaysThem) {
    const KeystoneToken t = parse_keystone_token(token_document().dump());
    EXPECT_TRUE(t.caller.authenticated);
    EXPECT_EQ(t.caller.user_id, "u1");
    EXPECT_EQ(t.caller.user_name, "alice");
    EXPECT_EQ(t.caller.user_domain_id, "default");
    EXPECT_EQ(t.caller.project_id, "p1");
    EXPECT_EQ(t.caller.project_name, "owner-proj");
    EXPECT_EQ(t.caller.project_domain_id, "d1");
    EXPECT_FALSE(t.caller.system_scope);
    EXPECT_EQ(t.caller.domain_id, "");
    EXPECT_EQ(t.caller.roles, (std::vector<std::string>{"member", "reader"}));
    EXPECT_EQ(t.expires_at - t.issued_at, 3600);
}

TEST(KeystoneToken, SystemAndDomainScopes) {
    json doc = token_document();
    doc["token"].erase("project");
    doc["token"]["system"] = {{"all", true}};
    KeystoneToken t = parse_keystone_token(doc.dump());
    EXPECT_TRUE(t.caller.system_scope);
    EXPECT_EQ(t.caller.project_id, "");

    doc["token"].erase("system");
    doc["token"]["domain"] = {{"id", "d7"}, {"name", "Seven"}};
    t = parse_keystone_token(doc.dump());
    EXPECT_FALSE(t.caller.system_scope);
    EXPECT_EQ(t.caller.domain_id, "d7");

    doc["token"].erase("domain");
    doc["token"].erase("roles");  // unscoped: no roles at all
    t = parse_keystone_token(doc.dump());
    EXPECT_TRUE(t.caller.roles.empty());
}

TEST(KeystoneToken, RefusesAnswersThatAreNoToken) {
    EXPECT_THROW(parse_keystone_token("<html>502</html>"), Error);
    EXPECT_THROW(parse_keystone_token("{}"), Error);
    json doc = token_document();
    doc["token"]["user"].erase("id");
    EXPECT_THROW(parse_keystone_token(doc.dump()), Error);
    doc = token_document();
    doc["token"]["expires_at"] = "soon";
    EXPECT_THROW(parse_keystone_token(doc.dump()), Error);
    // Nested past the JSON depth limit: refused before anything recurses.
    EXPECT_THROW(parse_keystone_token(std::string(100000, '[') + std::string(100000, ']')), Error);
}

// Keystone at a port where nothing listens: whatever Keystone would say,
// these requests never get that far, or fail without blaming the caller.
class KeystoneAuthenticatorTest : public ::testing::Test {
protected:
    KeystoneAuthenticatorTest()
        : url_("http://127.0.0.1:" + std::to_string(test::free_port()) + "/v3"),
          auth_(keystone_settings(keystone_config({{"auth_url", url_}, {"http_request_max_retries", "0"}}))) {}
    static http::Request with_token(const std::string& token) {
        http::Request r;
        r.headers["x-auth-token"] = token;
        return r;
    }
    std::string url_;
    KeystoneAuthenticator auth_;
};

TEST_F(KeystoneAuthenticatorTest, MissingOversizedAndMalformedTokensAreRefusedOnSight) {
    EXPECT_THROW(auth_.lookup(http::Request{}), Unauthorized);
    EXPECT_THROW(auth_.lookup(with_token("")), Unauthorized);
    EXPECT_THROW(auth_.lookup(with_token(std::string(kMaxTokenBytes + 1, 'a'))), Unauthorized);
    EXPECT_THROW(auth_.verify(with_token(std::string(kMaxTokenBytes + 1, 'a'))), Unauthorized);
    for (const char* bad : {"two words", "line\r\nX-Injected: 1", "tab\there", "t\xc3\xb6ken"})
        EXPECT_THROW(auth_.lookup(with_token(bad)), Unauthorized) << bad;
    // A plausible token is neither refused nor known: verify() must decide.
    EXPECT_FALSE(auth_.lookup(with_token("gAAAAABplausible_token-123")).has_value());
}

TEST_F(KeystoneAuthenticatorTest, KeystoneUnreachableIsNotTheCallersFault) {
    try {
        auth_.verify(with_token("gAAAAABplausible_token-123"));
        FAIL() << "verify() answered without Keystone";
    } catch (const Unauthorized&) {
        FAIL() << "an unreachable Keystone must not be a 401";
    } catch (const KeystoneUnavailable& e) {
        EXPECT_EQ(e.http_status(), 503);
        EXPECT_EQ(std::string(e.what()).find("s3cret-service-password"), std::string::npos) << e.what();
    }
    EXPECT_EQ(auth_.challenge(), "Keystone uri=\"" + url_ + "\"") << "www_authenticate_uri defaults to auth_url";
}

}  // namespace
}  // namespace ingot::conductor::auth
