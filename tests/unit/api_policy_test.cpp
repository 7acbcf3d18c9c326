// Ironic's secure-RBAC through the real router, controllers and a real
// SQLite file: who sees which nodes and ports, which fields are redacted,
// and who may change what. Only the token source is fake: each token names
// one caller (Keystone's answer for it), so every persona can be tried.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <future>
#include <map>

#include "common/errors.h"
#include "common/log.h"
#include "conductor/api/controllers.h"
#include "conductor/api/dispatcher.h"
#include "conductor/context.h"
#include "conductor/options.h"
#include "tests/support/conductor_process.h"

namespace ingot {
namespace {

using nlohmann::json;

http::Caller caller(const std::string& name, const std::string& project, std::vector<std::string> roles) {
    http::Caller c;
    c.authenticated = true;
    c.user_id = c.user_name = name;
    c.project_id = project;
    c.system_scope = project.empty();
    c.roles = std::move(roles);
    return c;
}

// Keystone's implied roles: admin implies member implies reader.
const std::map<std::string, http::Caller>& personas() {
    static const std::map<std::string, http::Caller> p = {
        {"system-admin", caller("system-admin", "", {"admin", "member", "reader"})},
        {"system-reader", caller("system-reader", "", {"reader"})},
        {"owner-admin", caller("owner-admin", "owner-proj", {"admin", "member", "reader"})},
        {"owner-member", caller("owner-member", "owner-proj", {"member", "reader"})},
        {"owner-reader", caller("owner-reader", "owner-proj", {"reader"})},
        {"lessee-member", caller("lessee-member", "lessee-proj", {"member", "reader"})},
        {"other-reader", caller("other-reader", "other-proj", {"reader"})},
    };
    return p;
}

class TokenPerPersona : public conductor::auth::Authenticator {
public:
    std::optional<http::Caller> lookup(const http::Request& r) override {
        auto token = r.header("x-auth-token");
        if (!token || !personas().count(*token)) throw Unauthorized("The request you have made requires authentication.");
        return personas().at(*token);
    }
    http::Caller verify(const http::Request& r) override { return *lookup(r); }
    std::string challenge() const override { return "Keystone uri=\"http://keystone.invalid\""; }
    const char* name() const override { return "keystone"; }
};

class ApiPolicy : public ::testing::Test {
protected:
    void SetUp() override {
        config::Config cfg(conductor::conductor_options());
        cfg.set("database", "connection", "sqlite:///" + dir.path() + "/ingot.sqlite");
        cfg.set("DEFAULT", "host", "policy-host");
        log::set_level(log::Level::error);
        ctx = conductor::make_context(std::move(cfg));
        api::DispatcherOptions options;
        options.authenticator = std::make_shared<TokenPerPersona>();
        dispatcher = std::make_unique<api::Dispatcher>(api::make_router(*ctx), options);
        owned = create("system-admin", {{"driver", "fake-hardware"}, {"name", "owned"}, {"owner", "owner-proj"},
                                        {"lessee", "lessee-proj"}, {"driver_info", {{"ipmi_address", "10.0.0.1"}}}});
        others = create("system-admin", {{"driver", "fake-hardware"}, {"name", "others"}, {"owner", "other-proj"}});
        unowned = create("system-admin", {{"driver", "fake-hardware"}, {"name", "unowned"}});
        port = send("system-admin", "POST", "/v1/ports",
                    json{{"address", "52:54:00:00:00:01"}, {"node_uuid", owned}}.dump());
        ASSERT_EQ(port.status, 201) << port.body;
    }

    api::Response send(const std::string& token, const std::string& method, const std::string& path,
                       const std::string& body = "") {
        api::Request req;
        req.method = method;
        req.path = path.substr(0, path.find('?'));
        if (auto q = path.find('?'); q != std::string::npos) {
            auto kv = path.substr(q + 1);
            req.query.emplace_back(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
        }
        req.body = body;
        req.headers = {{"x-auth-token", token}, {"x-openstack-ironic-api-version", "latest"}};
        if (!body.empty()) req.headers["content-type"] = "application/json";
        api::Response r = dispatcher->handle(req);
        if (!r.deferred) return r;
        std::promise<api::Response> done;
        r.deferred([&done](api::Response final) { done.set_value(std::move(final)); });
        return done.get_future().get();
    }
    std::string create(const std::string& token, const json& node) {
        auto r = send(token, "POST", "/v1/nodes", node.dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? json::parse(r.body)["uuid"].get<std::string>() : "";
    }
    std::vector<std::string> names(const std::string& token) {
        auto r = send(token, "GET", "/v1/nodes");
        EXPECT_EQ(r.status, 200) << r.body;
        const json body = json::parse(r.body);
        std::vector<std::string> out;
        for (const auto& n : body["nodes"]) out.push_back(n["name"].get<std::string>());
        std::sort(out.begin(), out.end());
        return out;
    }
    int patch(const std::string& token, const std::string& node, const std::string& path, const json& value) {
        json ops = json::array({{{"op", "add"}, {"path", path}, {"value", value}}});
        return send(token, "PATCH", "/v1/nodes/" + node, ops.dump()).status;
    }

    test::TempDir dir;
    std::unique_ptr<conductor::Context> ctx;
    std::unique_ptr<api::Dispatcher> dispatcher;
    std::string owned, others, unowned;
    api::Response port;
};

TEST_F(ApiPolicy, ProjectsListOnlyTheNodesTheyOwnOrLease) {
    using V = std::vector<std::string>;
    EXPECT_EQ(names("system-reader"), (V{"others", "owned", "unowned"}));
    EXPECT_EQ(names("owner-reader"), (V{"owned"}));
    EXPECT_EQ(names("lessee-member"), (V{"owned"}));
    EXPECT_EQ(names("other-reader"), (V{"others"}));
    EXPECT_EQ(send("anyone", "GET", "/v1/nodes").status, 401);
}

TEST_F(ApiPolicy, ANodeOfAnotherProjectDoesNotExistForTheCaller) {
    EXPECT_EQ(send("owner-reader", "GET", "/v1/nodes/" + owned).status, 200);
    EXPECT_EQ(send("other-reader", "GET", "/v1/nodes/" + owned).status, 404);
    EXPECT_EQ(send("other-reader", "GET", "/v1/nodes/owned").status, 404);
    EXPECT_EQ(send("other-reader", "GET", "/v1/nodes/" + owned + "/states").status, 404);
    EXPECT_EQ(send("other-reader", "PATCH", "/v1/nodes/" + owned, R"([{"op":"add","path":"/extra/x","value":1}])")
                  .status,
              404);
}

TEST_F(ApiPolicy, LesseesSeeTheirNodeWithInfrastructureDetailsRedacted) {
    json as_lessee = json::parse(send("lessee-member", "GET", "/v1/nodes/" + owned).body);
    EXPECT_EQ(as_lessee["driver_info"]["content"],
              "** Redacted - requires baremetal:node:get:driver_info permission. **");
    EXPECT_NE(as_lessee["driver_internal_info"].dump().find("Redacted"), std::string::npos);
    json as_owner = json::parse(send("owner-reader", "GET", "/v1/nodes/" + owned).body);
    EXPECT_EQ(as_owner["driver_info"]["ipmi_address"], "10.0.0.1");
    json as_system = json::parse(send("system-reader", "GET", "/v1/nodes/" + owned).body);
    EXPECT_EQ(as_system["driver_info"]["ipmi_address"], "10.0.0.1");
}

TEST_F(ApiPolicy, FieldRulesDecideWhoMayChangeWhat) {
    EXPECT_EQ(patch("owner-member", owned, "/instance_info/image_source", "http://x/img"), 200);
    EXPECT_EQ(patch("owner-member", owned, "/owner", "other-proj"), 403);
    EXPECT_EQ(patch("lessee-member", owned, "/extra/lease", "2026-12"), 200);
    EXPECT_EQ(patch("lessee-member", owned, "/instance_info/root_gb", 10), 403) << "a lessee admin's";
    EXPECT_EQ(patch("lessee-member", owned, "/driver_info/ipmi_address", "6.6.6.6"), 403);
    EXPECT_EQ(patch("owner-reader", owned, "/extra/x", 1), 403);
    EXPECT_EQ(patch("system-reader", owned, "/extra/x", 1), 403);
    EXPECT_EQ(patch("system-admin", owned, "/owner", "other-proj"), 200);
    // The refusal is Ironic's: 403 naming the rule.
    auto r = send("owner-member", "PATCH", "/v1/nodes/" + others, R"([{"op":"add","path":"/extra/x","value":1}])");
    EXPECT_EQ(r.status, 404);
}

TEST_F(ApiPolicy, ProjectAdminsEnrollNodesTheirProjectOwns) {
    auto mine = send("owner-admin", "POST", "/v1/nodes", R"({"driver": "fake-hardware", "name": "mine"})");
    ASSERT_EQ(mine.status, 201) << mine.body;
    EXPECT_EQ(json::parse(mine.body)["owner"], "owner-proj");
    EXPECT_EQ(send("owner-admin", "POST", "/v1/nodes", R"({"driver": "fake-hardware", "owner": "other-proj"})").status,
              400);
    EXPECT_EQ(send("owner-member", "POST", "/v1/nodes", R"({"driver": "fake-hardware"})").status, 403);
    EXPECT_EQ(send("owner-member", "DELETE", "/v1/nodes/mine").status, 403);
    EXPECT_EQ(send("owner-admin", "DELETE", "/v1/nodes/mine").status, 204);
}

TEST_F(ApiPolicy, PortsFollowTheirNode) {
    const std::string port_uuid = json::parse(port.body)["uuid"];
    EXPECT_EQ(json::parse(send("owner-reader", "GET", "/v1/ports").body)["ports"].size(), 1u);
    EXPECT_EQ(json::parse(send("other-reader", "GET", "/v1/ports").body)["ports"].size(), 0u);
    EXPECT_EQ(send("other-reader", "GET", "/v1/ports/" + port_uuid).status, 404);
    EXPECT_EQ(send("owner-reader", "GET", "/v1/ports/" + port_uuid).status, 200);
    EXPECT_EQ(send("other-reader", "GET", "/v1/nodes/" + owned + "/ports").status, 404);
    EXPECT_EQ(send("owner-reader", "DELETE", "/v1/ports/" + port_uuid).status, 403);
}

TEST_F(ApiPolicy, SystemOnlyResourcesRefuseProjects) {
    EXPECT_EQ(send("owner-admin", "GET", "/v1/chassis").status, 403);
    EXPECT_EQ(send("system-reader", "GET", "/v1/chassis").status, 200);
    EXPECT_EQ(send("owner-reader", "GET", "/v1/conductors").status, 403);
    EXPECT_EQ(send("system-reader", "POST", "/v1/chassis", R"({"description": "x"})").status, 403);
    EXPECT_EQ(send("owner-reader", "GET", "/v1/drivers").status, 403);
    EXPECT_EQ(send("system-reader", "GET", "/v1/drivers").status, 200);
}

TEST_F(ApiPolicy, MembersActReadersLook) {
    EXPECT_EQ(send("lessee-member", "PUT", "/v1/nodes/" + owned + "/states/power", R"({"target": "power on"})").status,
              202);
    EXPECT_EQ(send("owner-reader", "PUT", "/v1/nodes/" + owned + "/states/power", R"({"target": "power on"})").status,
              403);
    EXPECT_EQ(send("owner-reader", "GET", "/v1/nodes/" + owned + "/states").status, 200);
}

}  // namespace
}  // namespace ingot
