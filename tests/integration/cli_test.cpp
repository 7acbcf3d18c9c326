// The `ingot` CLI against a real ingot-conductor over real HTTP: every test
// runs the built binary as a child process (no shell) and checks its exit
// status, stdout and stderr.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/cli_fixture.h"

namespace ingot::test {
namespace {

using nlohmann::json;

class CliTest : public CliFixture {
protected:
    static std::string create_node(const std::string& name) {
        json node = ingot_json({"node", "create", "--driver", "fake-hardware", "--name", name});
        EXPECT_EQ(node.value("name", ""), name);
        return node.value("uuid", "");
    }
};

bool has_node(const json& list, const std::string& key, const std::string& value) {
    return std::any_of(list.begin(), list.end(), [&](const json& n) { return n.value(key, "") == value; });
}

TEST_F(CliTest, CreateListAndShowANode) {
    RunResult created = ingot({"node", "create", "--driver", "fake-hardware", "--name", "cli-node-1"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    EXPECT_NE(created.out.find("| provision_state"), std::string::npos) << created.out;
    EXPECT_NE(created.out.find("enroll"), std::string::npos) << created.out;

    RunResult table = ingot({"node", "list"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("| UUID"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("Provisioning State"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("cli-node-1"), std::string::npos) << table.out;
    EXPECT_EQ(table.out.rfind("+-", 0), 0u) << "not a box table: " << table.out;

    json list = ingot_json({"node", "list"});
    ASSERT_TRUE(list.is_array()) << list.dump();
    ASSERT_TRUE(has_node(list, "name", "cli-node-1")) << list.dump();

    json shown = ingot_json({"node", "show", "cli-node-1"});
    EXPECT_EQ(shown.value("name", ""), "cli-node-1");
    EXPECT_EQ(shown.value("driver", ""), "fake-hardware");
    EXPECT_EQ(shown.value("provision_state", ""), "enroll");
    auto listed =
        std::find_if(list.begin(), list.end(), [](const json& n) { return n.value("name", "") == "cli-node-1"; });
    EXPECT_EQ(shown.value("uuid", ""), listed->value("uuid", "-"));

    // -f value: bare values, one row per line, nothing else.
    RunResult values = ingot({"node", "show", "cli-node-1", "--fields", "name,provision_state", "-f", "value"});
    ASSERT_EQ(values.exit_code, 0) << values.err;
    EXPECT_EQ(values.out, "cli-node-1\nenroll\n");
}

TEST_F(CliTest, SetAndUnsetNestedKeys) {
    const std::string uuid = create_node("cli-node-set");
    RunResult set = ingot({"node", "set", "cli-node-set", "--driver-info", "ipmi_address=1.2.3.4", "--driver-info",
                           "ipmi_password=s3cret", "--property", "cpus=4", "--extra", "rack=r1"});
    ASSERT_EQ(set.exit_code, 0) << set.err;

    json node = ingot_json({"node", "show", uuid});
    EXPECT_EQ(node["driver_info"].value("ipmi_address", ""), "1.2.3.4");
    // The server masks secrets; the CLI prints what it got.
    EXPECT_EQ(node["driver_info"].value("ipmi_password", ""), "******");
    // KEY=VALUE values are JSON-decoded as in python-ironicclient.
    EXPECT_EQ(node["properties"]["cpus"], json(4));
    EXPECT_EQ(node["extra"].value("rack", ""), "r1");

    RunResult table = ingot({"node", "show", uuid});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_EQ(table.out.find("s3cret"), std::string::npos) << table.out;

    RunResult unset = ingot({"node", "unset", uuid, "--driver-info", "ipmi_address", "--property", "cpus"});
    ASSERT_EQ(unset.exit_code, 0) << unset.err;
    node = ingot_json({"node", "show", uuid});
    EXPECT_FALSE(node["driver_info"].contains("ipmi_address")) << node["driver_info"].dump();
    EXPECT_TRUE(node["driver_info"].contains("ipmi_password")) << node["driver_info"].dump();
    EXPECT_FALSE(node["properties"].contains("cpus")) << node["properties"].dump();
    EXPECT_EQ(node["extra"].value("rack", ""), "r1");
}

TEST_F(CliTest, MaintenanceSetAndUnset) {
    const std::string uuid = create_node("cli-node-maint");
    RunResult on = ingot({"node", "maintenance", "set", "cli-node-maint", "--reason", "fan broken"});
    ASSERT_EQ(on.exit_code, 0) << on.err;
    json node = ingot_json({"node", "show", uuid});
    EXPECT_EQ(node["maintenance"], json(true));
    EXPECT_EQ(node["maintenance_reason"], json("fan broken"));

    RunResult in_maintenance = ingot({"node", "list", "--maintenance", "-f", "value", "--fields", "uuid"});
    ASSERT_EQ(in_maintenance.exit_code, 0) << in_maintenance.err;
    EXPECT_NE(in_maintenance.out.find(uuid), std::string::npos) << in_maintenance.out;

    RunResult off = ingot({"node", "maintenance", "unset", uuid});
    ASSERT_EQ(off.exit_code, 0) << off.err;
    node = ingot_json({"node", "show", uuid});
    EXPECT_EQ(node["maintenance"], json(false));
    RunResult still = ingot({"node", "list", "--maintenance", "-f", "value", "--fields", "uuid"});
    EXPECT_EQ(still.out.find(uuid), std::string::npos) << still.out;
}

TEST_F(CliTest, PortCreateListShowDelete) {
    const std::string node_uuid = create_node("cli-node-port");
    // --node by name: the CLI looks the UUID up.
    json port = ingot_json({"port", "create", "52:54:00:C1:10:01", "--node", "cli-node-port", "--extra", "vif=a"});
    ASSERT_TRUE(port.is_object()) << port.dump();
    EXPECT_EQ(port.value("address", ""), "52:54:00:c1:10:01");
    EXPECT_EQ(port.value("node_uuid", ""), node_uuid);
    const std::string port_uuid = port.value("uuid", "");
    ASSERT_FALSE(port_uuid.empty());

    json ports = ingot_json({"port", "list", "--node", node_uuid});
    ASSERT_EQ(ports.size(), 1u) << ports.dump();
    EXPECT_EQ(ports[0].value("uuid", ""), port_uuid);

    json by_mac = ingot_json({"port", "show", "--address", "52:54:00:c1:10:01"});
    EXPECT_EQ(by_mac.value("uuid", ""), port_uuid);

    RunResult deleted = ingot({"port", "delete", port_uuid});
    ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
    EXPECT_NE(deleted.out.find("Deleted port " + port_uuid), std::string::npos) << deleted.out;
    EXPECT_TRUE(ingot_json({"port", "list", "--node", node_uuid}).empty());
}

TEST_F(CliTest, DriverListShowsFakeHardware) {
    RunResult r = ingot({"driver", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Supported driver(s)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("| fake-hardware "), std::string::npos) << r.out;
}

TEST_F(CliTest, UnknownNodeIsOneLineErrorAndExitOne) {
    RunResult r = ingot({"node", "show", "no-such-node-anywhere"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    expect_one_error_line(r, "could not be found");
    EXPECT_NE(r.err.find("no-such-node-anywhere"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(HTTP 404)"), std::string::npos) << r.err;
}

TEST_F(CliTest, UnsupportedVersionShowsTheServersDescription) {
    // A 406 carries Ironic's {code, title, description} shape, not a faultstring.
    RunResult r = ingot({"--api-version", "1.999", "node", "list"});
    EXPECT_EQ(r.exit_code, 1);
    expect_one_error_line(r, "(HTTP 406)");
    EXPECT_NE(r.err.find("1.999"), std::string::npos) << r.err;
}

TEST_F(CliTest, DeleteCarriesOnPastFailures) {
    const std::string uuid = create_node("cli-node-del");
    RunResult r = ingot({"node", "delete", "cli-node-missing", "cli-node-del"});
    EXPECT_EQ(r.exit_code, 1);
    expect_one_error_line(r, "cli-node-missing");
    EXPECT_NE(r.out.find("Deleted node cli-node-del"), std::string::npos) << r.out;
    EXPECT_EQ(ingot({"node", "show", uuid}).exit_code, 1);
}

TEST_F(CliTest, IngotUrlEnvironmentIsHonoured) {
    create_node("cli-node-env");
    RunResult r =
        run({ingot_bin(), "node", "list", "-f", "value", "--fields", "name"}, {{"INGOT_URL", conductor_->url()}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("cli-node-env\n"), std::string::npos) << r.out;

    // Nothing listens there: the error names the URL from the environment.
    const std::string dead = "http://127.0.0.1:" + std::to_string(free_port());
    RunResult refused = run({ingot_bin(), "node", "list"}, {{"INGOT_URL", dead}});
    EXPECT_EQ(refused.exit_code, 1);
    expect_one_error_line(refused, dead);

    // --url wins over the environment.
    RunResult flag = run({ingot_bin(), "--url", conductor_->url(), "node", "list", "-f", "value", "--fields", "name"},
                         {{"INGOT_URL", dead}});
    EXPECT_EQ(flag.exit_code, 0) << flag.err;
}

TEST_F(CliTest, UsageErrorsExitTwo) {
    EXPECT_EQ(ingot({"node", "create"}).exit_code, 2);  // --driver missing
    RunResult bad_pair = ingot({"node", "set", "x", "--extra", "no-equals-sign"});
    EXPECT_EQ(bad_pair.exit_code, 2);
    expect_one_error_line(bad_pair, "no-equals-sign");
    EXPECT_EQ(ingot({"-f", "xml", "node", "list"}).exit_code, 2);
}

// A server page of 2 nodes: --limit 0 must follow `next` links to the end,
// and no --limit must make a single request, as `baremetal` does.
TEST(CliPagingTest, LimitZeroFollowsNextLinks) {
    ConductorProcess conductor("[api]\nmax_limit = 2\n");
    for (const char* name : {"page-a", "page-b", "page-c"}) {
        RunResult r = ingot_at(conductor.url(), {"node", "create", "--driver", "fake-hardware", "--name", name});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult all = ingot_at(conductor.url(), {"node", "list", "--limit", "0", "-f", "value", "--fields", "name"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    EXPECT_EQ(all.out, "page-a\npage-b\npage-c\n");

    RunResult one_page = ingot_at(conductor.url(), {"node", "list", "-f", "value", "--fields", "name"});
    ASSERT_EQ(one_page.exit_code, 0) << one_page.err;
    EXPECT_EQ(one_page.out, "page-a\npage-b\n");

    RunResult desc = ingot_at(
        conductor.url(), {"node", "list", "--limit", "0", "--sort", "name:desc", "-f", "value", "--fields", "name"});
    ASSERT_EQ(desc.exit_code, 0) << desc.err;
    EXPECT_EQ(desc.out, "page-c\npage-b\npage-a\n");
}

}  // namespace
}  // namespace ingot::test
