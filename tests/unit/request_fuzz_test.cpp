// Fuzz-like: random and malformed requests through the real router,
// controllers and a real SQLite file. Every answer must be a well-formed
// Ironic response, never a 500, and refused writes must change nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "common/log.h"
#include "conductor/api/controllers.h"
#include "conductor/api/dispatcher.h"
#include "conductor/context.h"
#include "conductor/options.h"
#include "db/store.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

class RequestFuzz : public ::testing::Test {
protected:
    void SetUp() override {
        config::Config cfg(conductor::conductor_options());
        cfg.set("database", "connection", "sqlite:///" + dir.path() + "/ingot.sqlite");
        cfg.set("DEFAULT", "host", "fuzz-host");
        cfg.set("DEFAULT", "log_level", "error");
        ingot::log::set_level(ingot::log::Level::error);
        ctx = conductor::make_context(std::move(cfg));
        dispatcher = std::make_unique<api::Dispatcher>(api::make_router(*ctx), 1 << 20);
    }

    api::Response send(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& version = "latest",
                       std::vector<std::pair<std::string, std::string>> query = {}) {
        api::Request req;
        req.method = method;
        req.path = path;
        req.body = body;
        req.query = std::move(query);
        req.base_url = "http://127.0.0.1:6385";
        if (!body.empty()) req.headers["content-type"] = "application/json";
        if (!version.empty()) req.headers["x-openstack-ironic-api-version"] = version;
        return dispatcher->handle(req);
    }

    long long node_count() {
        db::Session s(*ctx->database);
        return s.count(db::nodes_table(), {});
    }

    test::TempDir dir;
    std::unique_ptr<conductor::Context> ctx;
    std::unique_ptr<api::Dispatcher> dispatcher;
};

void expect_well_formed(const api::Response& r, const std::string& what) {
    ASSERT_LT(r.status, 500) << what << " -> " << r.body;
    if (r.status >= 400) {
        json body = json::parse(r.body);  // throws (fails the test) if not JSON
        json inner = json::parse(body.at("error_message").get<std::string>());
        EXPECT_TRUE(inner.contains("faultstring") || inner.contains("description")) << r.body;
    } else if (!r.body.empty()) {
        EXPECT_TRUE(json::accept(r.body)) << what;
    }
}

}  // namespace

TEST_F(RequestFuzz, RandomNodeBodiesNeverBreakTheServer) {
    std::mt19937 rng(4242);
    const std::vector<std::string> keys = {
        "driver",         "name",           "uuid",         "driver_info",     "properties",   "extra",
        "resource_class", "boot_interface", "maintenance",  "conductor_group", "chassis_uuid", "provision_state",
        "owner",          "bogus",          "network_data", "automated_clean", "description",  "instance_uuid"};
    const std::vector<json> values = {"fake-hardware",
                                      "ipmi",
                                      "",
                                      "x y",
                                      "a~b.c_d",
                                      1,
                                      -1,
                                      3.5,
                                      true,
                                      nullptr,
                                      json::object(),
                                      json::array(),
                                      json{{"k", "v"}},
                                      "yes",
                                      "00000000-0000-0000-0000-000000000001",
                                      std::string(300, 'n'),
                                      "fake",
                                      "pxe"};
    int created = 0;
    for (int i = 0; i < 3000; ++i) {
        json body = json::object();
        if (rng() % 5) body["driver"] = "fake-hardware";  // so that some creates succeed
        int n = static_cast<int>(rng() % 4);
        for (int k = 0; k < n; ++k) body[keys[rng() % keys.size()]] = values[rng() % values.size()];
        std::string text = body.dump();
        if (rng() % 10 == 0) text = text.substr(0, rng() % (text.size() + 1));  // truncated JSON
        const char* versions[] = {"latest", "1.1", "1.10", "1.31", "1.45", "1.9"};
        long long before = node_count();
        api::Response r = send("POST", "/v1/nodes", text, versions[rng() % 6]);
        expect_well_formed(r, text);
        if (r.status == 201) {
            ++created;
            EXPECT_EQ(node_count(), before + 1);
        } else {
            EXPECT_EQ(node_count(), before) << "a refused create wrote something: " << text;
        }
    }
    EXPECT_GT(created, 100);
}

TEST_F(RequestFuzz, RandomPathsQueriesAndPatches) {
    ASSERT_EQ(send("POST", "/v1/nodes", R"({"driver":"fake-hardware","name":"target"})").status, 201);
    std::mt19937 rng(777);
    const std::vector<std::string> paths = {"/v1/nodes",
                                            "/v1/nodes/target",
                                            "/v1/nodes/detail",
                                            "/v1/nodes/target/states",
                                            "/v1/nodes/%zz",
                                            "/v1/nodes/a%20b",
                                            "/v1/ports",
                                            "/v1/ports/detail",
                                            "/v1/chassis",
                                            "/v1/drivers",
                                            "/v1/drivers/ipmi",
                                            "/v1/conductors",
                                            "/v1/nodes/target/maintenance",
                                            "/v1/nodes/target/validate",
                                            "/v1/nodes/target/ports",
                                            "/v1",
                                            "/",
                                            "/v1/nodes/00000000-0000-0000-0000-000000000000"};
    const std::vector<std::string> methods = {"GET", "POST", "PATCH", "PUT", "DELETE"};
    const std::vector<std::string> qkeys = {"limit",       "marker", "sort_key", "sort_dir",        "fields", "detail",
                                            "maintenance", "driver", "fault",    "provision_state", "node",   "bogus"};
    const std::vector<std::string> qvals = {"0",         "-1",   "2", "abc",           "name", "desc",
                                            "uuid,name", "True", "x", "power failure", "",     "driver_info"};
    const std::vector<std::string> bodies = {"",
                                             "{}",
                                             "[]",
                                             "[{\"op\":\"add\",\"path\":\"/extra/a\",\"value\":1}]",
                                             "[{\"op\":\"remove\",\"path\":\"/name\"}]",
                                             "{\"reason\":\"r\"}",
                                             "[{\"op\":\"replace\",\"path\":\"/provision_state\",\"value\":\"x\"}]",
                                             "{bad",
                                             "null",
                                             "[{\"op\":\"add\",\"path\":\"/maintenance\",\"value\":\"nope\"}]"};
    for (int i = 0; i < 4000; ++i) {
        std::vector<std::pair<std::string, std::string>> query;
        for (int q = static_cast<int>(rng() % 3); q > 0; --q)
            query.emplace_back(qkeys[rng() % qkeys.size()], qvals[rng() % qvals.size()]);
        std::string method = methods[rng() % methods.size()];
        std::string path = paths[rng() % paths.size()];
        // Keep the target alive so later requests have something to hit.
        if (method == "DELETE" && path == "/v1/nodes/target") continue;
        std::string body = bodies[rng() % bodies.size()];
        const char* versions[] = {"latest", "1.1", "1.5", "1.43", "", "2.0", "junk"};
        api::Response r = send(method, path, body, versions[rng() % 7], query);
        expect_well_formed(r, method + " " + path + " " + body);
    }
}

// Found by fuzz/json_patch_fuzzer: a body that is JSON up to a NUL byte and
// anything after it was taken for the JSON before the NUL.
TEST_F(RequestFuzz, ABodyWithANulByteIsRefusedAndCreatesNothing) {
    const std::string body("{\"driver\": \"fake-hardware\", \"name\": \"nul\"}\0\xc0\xaf", 45);
    api::Response r = send("POST", "/v1/nodes", body);
    EXPECT_EQ(r.status, 400) << r.body;
    expect_well_formed(r, "NUL body");
    EXPECT_EQ(node_count(), 0);
}

// Found by fuzz/json_patch_fuzzer: "1e999" made nlohmann throw out_of_range,
// which parse_json did not turn into a JsonInputError: a 500, not a 400.
TEST_F(RequestFuzz, ANumberPastDoublesRangeIsA400) {
    api::Response r = send("POST", "/v1/nodes", R"({"driver": "fake-hardware", "properties": {"cpus": 1e999}})");
    EXPECT_EQ(r.status, 400) << r.body;
    expect_well_formed(r, "1e999 body");
    EXPECT_EQ(node_count(), 0);
}
