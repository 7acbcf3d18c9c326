// The REST API over real HTTP against a real ingot-conductor process and
// its SQLite file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "common/http_client.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

class ApiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { conductor_ = new test::ConductorProcess(); }
    static void TearDownTestSuite() {
        delete conductor_;
        conductor_ = nullptr;
    }

    HttpClient client(const std::string& version = "latest") {
        HttpClient c(conductor_->url(), std::chrono::seconds(30));
        if (!version.empty()) c.set_default_header("X-OpenStack-Ironic-API-Version", version);
        return c;
    }

    json create_node(const json& body) {
        auto r = client().request("POST", "/v1/nodes", body.dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body);
    }

    static json fault(const HttpResponse& r) {
        return json::parse(json::parse(r.body).at("error_message").get<std::string>());
    }

    static test::ConductorProcess* conductor_;
};
test::ConductorProcess* ApiTest::conductor_ = nullptr;

}  // namespace

TEST_F(ApiTest, RootAndV1DescribeVersions) {
    auto c = client("");
    auto root = c.request("GET", "/");
    ASSERT_EQ(root.status, 200);
    json doc = json::parse(root.body);
    EXPECT_EQ(doc["default_version"]["version"], "1.82");
    EXPECT_EQ(doc["default_version"]["min_version"], "1.1");
    auto v1 = c.request("GET", "/v1");
    ASSERT_EQ(v1.status, 200);
    EXPECT_EQ(v1.header("X-OpenStack-Ironic-API-Version"), "1.1");
    EXPECT_TRUE(json::parse(v1.body).contains("nodes"));
}

TEST_F(ApiTest, VersionHeaders) {
    auto c = client("");
    auto r = c.request("GET", "/v1/nodes", "", {{"OpenStack-API-Version", "baremetal 1.50"}});
    EXPECT_EQ(r.header("X-OpenStack-Ironic-API-Version"), "1.50");
    auto bad = c.request("GET", "/v1/nodes", "", {{"X-OpenStack-Ironic-API-Version", "1.99"}});
    EXPECT_EQ(bad.status, 406);
    EXPECT_EQ(bad.header("X-OpenStack-Ironic-API-Maximum-Version"), "1.82");
}

TEST_F(ApiTest, NodeLifecycleOverHttp) {
    json node = create_node({{"driver", "fake-hardware"},
                             {"name", "life-1"},
                             {"driver_info", {{"ipmi_password", "hunter2"}, {"ipmi_address", "10.1.1.1"}}},
                             {"properties", {{"cpus", 4}}}});
    const std::string uuid = node["uuid"];
    EXPECT_EQ(node["provision_state"], "enroll");
    EXPECT_EQ(node["driver_info"]["ipmi_password"], "******");
    EXPECT_EQ(node["boot_interface"], "fake");
    EXPECT_EQ(node["network_interface"], "noop");
    EXPECT_EQ(node["conductor"], "test-conductor");

    auto c = client();
    auto by_name = c.request("GET", "/v1/nodes/life-1");
    ASSERT_EQ(by_name.status, 200);
    EXPECT_EQ(json::parse(by_name.body)["uuid"], uuid);

    // PATCH keeps the secret although the client only saw "******".
    auto patched = c.request("PATCH", "/v1/nodes/" + uuid,
                             R"([{"op":"add","path":"/extra/foo","value":"bar"},
                                 {"op":"replace","path":"/driver_info/ipmi_address","value":"10.1.1.2"}])");
    ASSERT_EQ(patched.status, 200) << patched.body;
    json p = json::parse(patched.body);
    EXPECT_EQ(p["extra"]["foo"], "bar");
    EXPECT_EQ(p["driver_info"]["ipmi_address"], "10.1.1.2");
    EXPECT_FALSE(p["updated_at"].is_null());
    std::ifstream db_file(conductor_->state_dir() + "/ingot.sqlite", std::ios::binary);
    EXPECT_TRUE(db_file.good());

    // Removing a top-level field empties it.
    auto removed = c.request("PATCH", "/v1/nodes/" + uuid,
                             R"([{"op":"add","path":"/description","value":"d"},{"op":"remove","path":"/extra"}])");
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_EQ(json::parse(removed.body)["extra"], json::object());
    auto removed2 = c.request("PATCH", "/v1/nodes/" + uuid, R"([{"op":"remove","path":"/description"}])");
    EXPECT_TRUE(json::parse(removed2.body)["description"].is_null()) << removed2.body;

    auto ro =
        c.request("PATCH", "/v1/nodes/" + uuid, R"([{"op":"replace","path":"/provision_state","value":"active"}])");
    EXPECT_EQ(ro.status, 400);

    auto states = c.request("GET", "/v1/nodes/" + uuid + "/states");
    EXPECT_EQ(json::parse(states.body)["provision_state"], "enroll");

    auto m = c.request("PUT", "/v1/nodes/" + uuid + "/maintenance", R"({"reason":"disk swap"})");
    EXPECT_EQ(m.status, 202);
    json after = json::parse(c.request("GET", "/v1/nodes/" + uuid).body);
    EXPECT_EQ(after["maintenance"], true);
    EXPECT_EQ(after["maintenance_reason"], "disk swap");
    EXPECT_EQ(c.request("DELETE", "/v1/nodes/" + uuid + "/maintenance").status, 202);
    EXPECT_EQ(json::parse(c.request("GET", "/v1/nodes/" + uuid).body)["maintenance"], false);

    auto validate = c.request("GET", "/v1/nodes/" + uuid + "/validate");
    EXPECT_EQ(json::parse(validate.body)["power"]["result"], true);

    EXPECT_EQ(c.request("DELETE", "/v1/nodes/" + uuid).status, 204);
    auto gone = c.request("GET", "/v1/nodes/" + uuid);
    EXPECT_EQ(gone.status, 404);
    EXPECT_EQ(fault(gone)["faultstring"], "Node " + uuid + " could not be found.");
}

TEST_F(ApiTest, OldMicroversionsHideNewFieldsAndStartAvailable) {
    auto c = client("1.1");
    auto r = c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware"})");
    ASSERT_EQ(r.status, 201) << r.body;
    json n = json::parse(r.body);
    EXPECT_TRUE(n["provision_state"].is_null());  // "available" is NOSTATE before 1.2
    auto at12 = client("1.2").request("GET", "/v1/nodes/" + n["uuid"].get<std::string>());
    EXPECT_EQ(json::parse(at12.body)["provision_state"], "available");
    EXPECT_FALSE(n.contains("name"));
    EXPECT_FALSE(n.contains("driver_internal_info"));
    EXPECT_FALSE(n.contains("boot_interface"));
    EXPECT_FALSE(n.contains("states"));
    // A field the version does not know is refused.
    EXPECT_EQ(c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware","resource_class":"x"})").status, 406);
    auto v131 = client("1.31");
    json at131 = json::parse(v131.request("GET", "/v1/nodes/" + n["uuid"].get<std::string>()).body);
    EXPECT_TRUE(at131.contains("boot_interface"));
    EXPECT_FALSE(at131.contains("storage_interface"));  // 1.33
}

TEST_F(ApiTest, BadInputIsRefusedWithIronicErrors) {
    auto c = client();
    struct Case {
        std::string body;
        int status;
        std::string fragment;
    };
    std::vector<Case> cases = {
        {"{not json", 400, "Invalid JSON"},
        {"[1,2]", 400, "JSON object"},
        {R"({"driver":"fake-hardware","bogus":1})", 400,
         "Additional properties are not allowed ('bogus' was unexpected)"},
        {R"({"driver":"no-such-driver"})", 400, "No valid host was found"},
        {R"({"name":"x"})", 400, "'driver' is a required property"},
        {R"({"driver":"fake-hardware","name":"bad name"})", 400, "invalid name"},
        {R"({"driver":"fake-hardware","uuid":"not-a-uuid"})", 400, "Expected a UUID"},
        {R"({"driver":"fake-hardware","driver_info":"str"})", 400, "is not of type 'object'"},
        {R"({"driver":"fake-hardware","boot_interface":"irmc-virtual-media"})", 400,
         "Could not find the following interface in the 'ingot.boot' entrypoint: irmc-virtual-media. Valid "
         "interfaces are ['fake', 'ipxe', 'pxe', 'redfish-virtual-media']."},
        {R"({"driver":"fake-hardware","power_interface":"ipmitool"})", 400,
         "power interface implementation 'ipmitool' is not supported by hardware type fake-hardware."},
        {R"({"driver":"fake-hardware","provision_state":"active"})", 400, "Additional properties"},
    };
    auto before = json::parse(c.request("GET", "/v1/nodes?limit=1000").body)["nodes"].size();
    for (const auto& tc : cases) {
        auto r = c.request("POST", "/v1/nodes", tc.body);
        EXPECT_EQ(r.status, tc.status) << tc.body << " -> " << r.body;
        EXPECT_NE(fault(r)["faultstring"].get<std::string>().find(tc.fragment), std::string::npos)
            << tc.body << " -> " << r.body;
        EXPECT_EQ(fault(r)["faultcode"], "Client");
    }
    // Nothing was written.
    EXPECT_EQ(json::parse(c.request("GET", "/v1/nodes?limit=1000").body)["nodes"].size(), before);
}

TEST_F(ApiTest, DuplicatesAre409) {
    create_node({{"driver", "fake-hardware"}, {"name", "dup-1"}});
    auto c = client();
    auto r = c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware","name":"dup-1"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(fault(r)["faultstring"], "A node with name dup-1 already exists.");
    json n = create_node({{"driver", "fake-hardware"}});
    auto port = c.request("POST", "/v1/ports", json{{"address", "52:54:00:aa:bb:01"}, {"node_uuid", n["uuid"]}}.dump());
    ASSERT_EQ(port.status, 201) << port.body;
    auto again =
        c.request("POST", "/v1/ports", json{{"address", "52:54:00:AA:BB:01"}, {"node_uuid", n["uuid"]}}.dump());
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(fault(again)["faultstring"], "A port with MAC address 52:54:00:aa:bb:01 already exists.");
    auto bad_mac = c.request("POST", "/v1/ports", json{{"address", "zz"}, {"node_uuid", n["uuid"]}}.dump());
    EXPECT_EQ(bad_mac.status, 400);
}

TEST_F(ApiTest, PercentEncodedNamesAndUnknownPaths) {
    create_node({{"driver", "fake-hardware"}, {"name", "enc~node.1"}});
    auto c = client();
    EXPECT_EQ(c.request("GET", "/v1/nodes/enc%7Enode.1").status, 200);
    EXPECT_EQ(c.request("GET", "/v1/nodes/bad%zz").status, 400);
    EXPECT_EQ(c.request("GET", "/v1/nothing-here").status, 404);
    auto r = c.request("PUT", "/v1/nodes", "{}");
    EXPECT_EQ(r.status, 405);
    EXPECT_TRUE(r.header("Allow").has_value());
}

TEST_F(ApiTest, OversizedBodyIs413) {
    auto c = client();
    std::string big = R"({"driver":"fake-hardware","extra":{"x":")" + std::string(1100000, 'a') + "\"}}";
    auto r = c.request("POST", "/v1/nodes", big);
    EXPECT_EQ(r.status, 413);
}

TEST_F(ApiTest, PaginationFiltersAndFields) {
    auto c = client();
    for (int i = 0; i < 25; ++i)
        create_node({{"driver", "fake-hardware"}, {"name", "page-" + std::to_string(i)}, {"resource_class", "pg"}});
    std::set<std::string> seen;
    std::string url = "/v1/nodes?resource_class=pg&limit=7&fields=uuid,name,resource_class";
    int pages = 0;
    while (!url.empty()) {
        auto r = c.request("GET", url);
        ASSERT_EQ(r.status, 200) << r.body;
        json body = json::parse(r.body);
        for (const auto& n : body["nodes"]) {
            EXPECT_EQ(n["resource_class"], "pg");
            EXPECT_FALSE(n.contains("driver"));
            EXPECT_TRUE(seen.insert(n["uuid"].get<std::string>()).second);
        }
        url = body.value("next", "");
        ++pages;
    }
    EXPECT_EQ(seen.size(), 25u);
    EXPECT_EQ(pages, 4);
    auto sorted = json::parse(c.request("GET", "/v1/nodes?resource_class=pg&sort_key=name&sort_dir=desc&limit=3").body);
    EXPECT_EQ(sorted["nodes"][0]["name"], "page-9");
    EXPECT_EQ(c.request("GET", "/v1/nodes?sort_key=driver_info").status, 400);
    EXPECT_EQ(c.request("GET", "/v1/nodes?limit=0").status, 400);
    EXPECT_EQ(c.request("GET", "/v1/nodes?maintenance=perhaps").status, 400);
    EXPECT_EQ(c.request("GET", "/v1/nodes?fields=nope").status, 400);
    EXPECT_EQ(client("1.20").request("GET", "/v1/nodes?resource_class=pg").status, 406);
    auto detail = json::parse(c.request("GET", "/v1/nodes/detail?resource_class=pg&limit=2").body);
    EXPECT_TRUE(detail["nodes"][0].contains("driver_info"));
    EXPECT_TRUE(detail.contains("next"));
}

TEST_F(ApiTest, ConcurrentCreatesAllLand) {
    std::atomic<int> created{0}, failed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            HttpClient c(conductor_->url(), std::chrono::seconds(30));
            c.set_default_header("X-OpenStack-Ironic-API-Version", "latest");
            for (int i = 0; i < 25; ++i) {
                auto r = c.request("POST", "/v1/nodes",
                                   json{{"driver", "fake-hardware"},
                                        {"name", "cc-" + std::to_string(t) + "-" + std::to_string(i)},
                                        {"owner", "concurrency"}}
                                       .dump());
                (r.status == 201 ? created : failed)++;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(created, 200);
    EXPECT_EQ(failed, 0);
    auto list = json::parse(client().request("GET", "/v1/nodes?owner=concurrency&limit=1000").body);
    EXPECT_EQ(list["nodes"].size(), 200u);
}

TEST_F(ApiTest, DriversAndConductors) {
    auto c = client();
    auto drivers = json::parse(c.request("GET", "/v1/drivers?detail=True").body)["drivers"];
    std::set<std::string> names;
    for (const auto& d : drivers) names.insert(d["name"].get<std::string>());
    EXPECT_EQ(names, (std::set<std::string>{"fake-hardware", "ipmi"}));
    auto props = json::parse(c.request("GET", "/v1/drivers/ipmi/properties").body);
    EXPECT_TRUE(props.contains("ipmi_address"));
    EXPECT_EQ(c.request("GET", "/v1/drivers/redfish").status, 404);  // not enabled
    auto conductors = json::parse(c.request("GET", "/v1/conductors").body)["conductors"];
    ASSERT_EQ(conductors.size(), 1u);
    EXPECT_EQ(conductors[0]["hostname"], "test-conductor");
    EXPECT_EQ(conductors[0]["alive"], true);
    EXPECT_EQ(client("1.48").request("GET", "/v1/conductors").status, 404);
}

TEST(ConductorProcessTest, StopsCleanlyOnSigterm) {
    test::ConductorProcess conductor;
    EXPECT_EQ(conductor.stop(), 0);
    EXPECT_NE(conductor.log().find("conductor.stopped"), std::string::npos) << conductor.log();
}

TEST(ConductorProcessTest, BadConfigurationStopsStartupNamingTheOption) {
    test::TempDir dir;
    std::string conf = dir.path() + "/bad.conf";
    std::ofstream(conf) << "[api]\nport = seventy\n";
    auto r = test::run({test::ConductorProcess::bin_dir() + "/ingot-conductor", "--config-file", conf});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("invalid value 'seventy' for [api] port"), std::string::npos) << r.err;
}

TEST(ConductorProcessTest, DataSurvivesARestart) {
    // Two conductors in turn on the same database file.
    std::string uuid;
    {
        test::ConductorProcess first;
        HttpClient c(first.url(), std::chrono::seconds(10));
        c.set_default_header("X-OpenStack-Ironic-API-Version", "latest");
        auto r = c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware","name":"persist"})");
        ASSERT_EQ(r.status, 201);
        uuid = json::parse(r.body)["uuid"];
        first.stop();
        // Start a second process on the same state directory.
        std::string conf = first.state_dir() + "/ingot.conf";
        ChildProcess second({test::ConductorProcess::bin_dir() + "/ingot-conductor", "--config-file", conf},
                            first.state_dir() + "/second.log");
        HttpClient c2(first.url(), std::chrono::seconds(10));
        c2.set_default_header("X-OpenStack-Ironic-API-Version", "latest");
        HttpResponse got;
        for (int i = 0; i < 200; ++i) {
            try {
                got = c2.request("GET", "/v1/nodes/persist");
                break;
            } catch (const HttpTransportError&) {
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            }
        }
        EXPECT_EQ(got.status, 200);
        EXPECT_EQ(json::parse(got.body)["uuid"], uuid);
        EXPECT_EQ(second.stop(), 0);
    }
}
