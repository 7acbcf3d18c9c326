#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <future>

#include "common/errors.h"
#include "conductor/api/dispatcher.h"

using namespace ingot;
using namespace ingot::api;
using nlohmann::json;

namespace {

std::string header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return "";
}

json inner_error(const Response& r) {
    return json::parse(json::parse(r.body).at("error_message").get<std::string>());
}

Dispatcher make() {
    Router router;
    router.add("GET", "/v1/ok", [](const Request& req) {
        Response r;
        r.body = json{{"version", req.version.str()}}.dump();
        return r;
    });
    router.add("GET", "/v1/missing", [](const Request&) -> Response { throw NotFound("Node x could not be found."); });
    router.add("GET", "/v1/boom", [](const Request&) -> Response { throw std::runtime_error("secret detail"); });
    router.add("POST", "/v1/ok", [](const Request&) { return Response{}; });
    // A controller that reads its own data with the wrong type.
    router.add("GET", "/v1/misread", [](const Request&) -> Response {
        json stored = {{"driver", 42}};
        return Response{200, stored["driver"].get<std::string>()};
    });
    return Dispatcher(std::move(router), 100);
}

Response get(const Dispatcher& d, const std::string& path, std::map<std::string, std::string> headers = {},
             const std::string& method = "GET", const std::string& body = "") {
    Request req;
    req.method = method;
    req.path = path;
    req.headers = std::move(headers);
    req.body = body;
    return d.handle(req);
}

}  // namespace

TEST(Dispatcher, NegotiatesAndReportsVersions) {
    auto d = make();
    Response r = get(d, "/v1/ok", {{"x-openstack-ironic-api-version", "1.40"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["version"], "1.40");
    EXPECT_EQ(header(r, "X-OpenStack-Ironic-API-Version"), "1.40");
    EXPECT_EQ(header(r, "X-OpenStack-Ironic-API-Minimum-Version"), "1.1");
    EXPECT_EQ(header(r, "X-OpenStack-Ironic-API-Maximum-Version"), "1.82");
    EXPECT_EQ(header(r, "OpenStack-Request-Id").substr(0, 4), "req-");
}

TEST(Dispatcher, UnsupportedVersionIs406WithoutNegotiatedHeader) {
    auto d = make();
    Response r = get(d, "/v1/ok", {{"x-openstack-ironic-api-version", "1.99"}});
    EXPECT_EQ(r.status, 406);
    EXPECT_EQ(inner_error(r)["code"], 406);
    EXPECT_EQ(header(r, "X-OpenStack-Ironic-API-Version"), "");
    EXPECT_EQ(header(r, "X-OpenStack-Ironic-API-Maximum-Version"), "1.82");
}

TEST(Dispatcher, TypedErrorsBecomeIronicFaults) {
    auto d = make();
    Response r = get(d, "/v1/missing");
    EXPECT_EQ(r.status, 404);
    json e = inner_error(r);
    EXPECT_EQ(e["faultcode"], "Client");
    EXPECT_EQ(e["faultstring"], "Node x could not be found.");
    EXPECT_TRUE(e["debuginfo"].is_null());
}

TEST(Dispatcher, UnexpectedErrorsDoNotLeakDetails) {
    auto d = make();
    Response r = get(d, "/v1/boom");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(inner_error(r)["faultcode"], "Server");
    EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
}

// Only request-body parsing makes a 400 (JsonInputError, an InvalidInput);
// a JSON library error inside a controller is the conductor's bug and must
// not be blamed on the client.
TEST(Dispatcher, AJsonTypeErrorInAControllerIsA500NotTheClientsFault) {
    auto d = make();
    Response r = get(d, "/v1/misread");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(inner_error(r)["faultcode"], "Server");
    EXPECT_NE(inner_error(r)["faultstring"].get<std::string>().find("An internal error occurred"), std::string::npos);
    EXPECT_EQ(r.body.find("type must be string"), std::string::npos) << "the library's words are for the log";
}

TEST(Dispatcher, MethodAndPathErrors) {
    auto d = make();
    Response r = get(d, "/v1/ok", {}, "DELETE");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(header(r, "Allow"), "GET, POST");
    EXPECT_EQ(get(d, "/v1/nothing").status, 404);
}

TEST(Dispatcher, OversizedBodyIs413AndHandlerNotRun) {
    auto d = make();
    Response r = get(d, "/v1/ok", {{"content-type", "application/json"}}, "POST", std::string(101, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(inner_error(r)["faultcode"], "Client");
}

namespace {

Router echo_router() {
    Router router;
    router.add("GET", "/v1/echo", [](const Request& req) {
        Response r;
        r.body = json{{"base", req.base_url}, {"user", req.caller.user_name}}.dump();
        return r;
    });
    router.add("POST", "/v1/echo", [](const Request&) { return Response{}; });
    router.add("GET", "/v1/lookup", [](const Request& req) {
        Response r;
        r.body = json{{"authenticated", req.caller.authenticated}}.dump();
        return r;
    });
    return router;
}

// Accepts the password "good" for any user, slowly (on verify) or from a
// remembered answer (lookup), as the real authenticators do.
class FakeAuthenticator : public conductor::auth::Authenticator {
public:
    std::optional<http::Caller> lookup(const Request& request) override {
        auto token = request.header("x-auth-token");
        if (!token) throw Unauthorized("Authentication required.");
        if (*token == "remembered") return caller("cached");
        return std::nullopt;
    }
    http::Caller verify(const Request& request) override {
        if (*request.header("x-auth-token") != "good") throw Unauthorized("The token is not valid.");
        return caller("verified");
    }
    std::string challenge() const override { return "Keystone uri=\"https://keystone.example\""; }
    const char* name() const override { return "fake"; }

private:
    static http::Caller caller(const std::string& name) {
        http::Caller c;
        c.authenticated = true;
        c.user_name = name;
        return c;
    }
};

Dispatcher with_auth() {
    DispatcherOptions options;
    options.authenticator = std::make_shared<FakeAuthenticator>();
    return Dispatcher(echo_router(), options);
}

// Runs a deferred answer to its end.
Response finish(Response r) {
    if (!r.deferred) return r;
    std::promise<Response> done;
    r.deferred([&done](Response final) { done.set_value(std::move(final)); });
    return done.get_future().get();
}

}  // namespace

TEST(Dispatcher, HostHeaderMustNameThisService) {
    // DNS rebinding: evil.example resolves to the conductor; the browser
    // sends its own name.
    auto d = Dispatcher(echo_router(), DispatcherOptions{});
    Request req;
    req.method = "GET";
    req.path = "/v1/echo";
    req.local_address = "192.0.2.10";
    req.headers = {{"host", "evil.example"}};
    Response r = d.handle(req);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body.find("evil.example"), std::string::npos) << "links must not be built from it";
    for (const std::string host : {"192.0.2.10:6385", "192.0.2.10"}) {
        Request ok = req;
        ok.headers = {{"host", host}};
        ok.scheme = "https";
        Response good = d.handle(ok);
        ASSERT_EQ(good.status, 200) << host;
        EXPECT_EQ(json::parse(good.body)["base"], "https://" + host);
    }
    Request loopback = req;
    loopback.local_address = "127.0.0.1";
    for (const std::string host : {"localhost:6385", "127.0.0.1", "[::1]:6385"}) {
        loopback.headers = {{"host", host}};
        EXPECT_EQ(d.handle(loopback).status, 200) << host;
    }
    // A name that only starts like a loopback address is a name.
    loopback.headers = {{"host", "127.0.0.1.evil.example"}};
    EXPECT_EQ(d.handle(loopback).status, 400);
}

TEST(Dispatcher, ConfiguredNamesAndPublicEndpointDecideLinks) {
    DispatcherOptions options;
    options.allowed_hosts = AllowedHosts({"https://ingot.example.com:6385/", "bmc-net.example"});
    auto d = Dispatcher(echo_router(), options);
    Request req;
    req.method = "GET";
    req.path = "/v1/echo";
    req.local_address = "192.0.2.10";
    req.headers = {{"host", "INGOT.example.com:6385"}};
    EXPECT_EQ(d.handle(req).status, 200);
    req.headers = {{"host", "bmc-net.example"}};
    EXPECT_EQ(d.handle(req).status, 200);

    options.public_endpoint = "https://api.example.org";
    auto pinned = Dispatcher(echo_router(), options);
    req.headers = {{"host", "192.0.2.10"}};
    EXPECT_EQ(json::parse(pinned.handle(req).body)["base"], "https://api.example.org");
}

TEST(Dispatcher, WritesMustBeJson) {
    auto d = Dispatcher(echo_router(), DispatcherOptions{});
    // The cross-site form post and fetch() a browser sends without asking.
    EXPECT_EQ(get(d, "/v1/echo", {{"content-type", "text/plain"}}, "POST", "{}").status, 415);
    EXPECT_EQ(get(d, "/v1/echo", {{"content-type", "application/x-www-form-urlencoded"}}, "POST", "").status, 415);
    EXPECT_EQ(get(d, "/v1/echo", {}, "POST", "{}").status, 415);
    EXPECT_EQ(get(d, "/v1/echo", {{"content-type", "application/json; charset=UTF-8"}}, "POST", "{}").status, 200);
    EXPECT_EQ(get(d, "/v1/echo", {{"content-type", "application/json-patch+json"}}, "POST", "[]").status, 200);
    EXPECT_EQ(get(d, "/v1/echo", {}, "POST", "").status, 200);  // nothing to read
}

TEST(Dispatcher, InvalidUtf8InQueryOrPathIs400) {
    auto d = make();
    Request req;
    req.method = "GET";
    req.path = "/v1/ok";
    req.query = {{"name", "\xff\xfe"}};
    Response r = d.handle(req);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(inner_error(r)["faultstring"], "Invalid UTF-8 in the query string.");
}

TEST(Dispatcher, UnauthenticatedRequestsGet401WithChallenge) {
    auto d = with_auth();
    Response r = finish(get(d, "/v1/echo"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(header(r, "WWW-Authenticate"), "Keystone uri=\"https://keystone.example\"");
    EXPECT_EQ(inner_error(r)["faultstring"], "Authentication required.");

    r = finish(get(d, "/v1/echo", {{"x-auth-token", "bad"}}));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(inner_error(r)["faultstring"], "The token is not valid.");
}

TEST(Dispatcher, SlowChecksRunOffTheHttpThreadAndCachedOnesInline) {
    auto d = with_auth();
    Response slow = get(d, "/v1/echo", {{"x-auth-token", "good"}});
    ASSERT_TRUE(slow.deferred) << "verify() must not run on the HTTP thread";
    Response done = finish(std::move(slow));
    ASSERT_EQ(done.status, 200);
    EXPECT_EQ(json::parse(done.body)["user"], "verified");
    EXPECT_EQ(header(done, "OpenStack-Request-Id").substr(0, 4), "req-");

    Response fast = get(d, "/v1/echo", {{"x-auth-token", "remembered"}});
    EXPECT_FALSE(fast.deferred);
    EXPECT_EQ(json::parse(fast.body)["user"], "cached");
}

TEST(Dispatcher, LookupAndVersionsAreOpen) {
    auto d = with_auth();
    Response r = get(d, "/v1/lookup");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["authenticated"], false);
    EXPECT_NE(get(d, "/v1").status, 401);
    EXPECT_NE(get(d, "/").status, 401);
    EXPECT_EQ(finish(get(d, "/v1/nodes")).status, 401) << "unknown paths are not public";
}
