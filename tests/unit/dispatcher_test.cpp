#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

TEST(Dispatcher, MethodAndPathErrors) {
    auto d = make();
    Response r = get(d, "/v1/ok", {}, "DELETE");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(header(r, "Allow"), "GET, POST");
    EXPECT_EQ(get(d, "/v1/nothing").status, 404);
}

TEST(Dispatcher, OversizedBodyIs413AndHandlerNotRun) {
    auto d = make();
    Response r = get(d, "/v1/ok", {}, "POST", std::string(101, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(inner_error(r)["faultcode"], "Client");
}
