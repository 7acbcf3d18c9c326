// Plugins the way third parties ship them: Ingot installed into a prefix,
// the examples built out of tree against it with find_package(Ingot), the
// shared objects dropped into a plugin directory, a real conductor started.
// Also the broken cases: every one is reported naming its file and skipped,
// and the conductor still serves.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "interfaces/plugin.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

HttpClient client_for(const test::ConductorProcess& c) {
    HttpClient client(c.url(), std::chrono::seconds(30));
    client.set_default_header("X-OpenStack-Ironic-API-Version", "latest");
    return client;
}

json extensions(const test::ConductorProcess& c) {
    auto r = client_for(c).request("GET", "/v1/extensions");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["extensions"];
}

const json* find_extension(const json& list, const std::string& ns, const std::string& name) {
    for (const auto& e : list)
        if (e["namespace"] == ns && e["name"] == name) return &e;
    return nullptr;
}

// Waits until `needle` shows up in the conductor's log (hooks run async).
bool log_shows(const test::ConductorProcess& c, const std::string& needle, int seconds = 10) {
    for (int i = 0; i < seconds * 20; ++i) {
        if (c.log().find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// Returns what went wrong, or "" (a failed ASSERT in SetUpTestSuite would
// only mark the tests skipped, which must not pass for success).
std::string must_run(const std::vector<std::string>& argv) {
    auto r = test::run(argv);
    if (r.exit_code == 0) return "";
    std::string cmd;
    for (const auto& a : argv) cmd += a + " ";
    return "command failed (" + std::to_string(r.exit_code) + "): " + cmd + "\n" + r.out + r.err;
}

class ExamplePlugins : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        work_ = new test::TempDir();
        const std::string prefix = work_->path() + "/prefix";
        setup_error_ = must_run({"cmake", "--install", INGOT_BUILD_DIR, "--prefix", prefix});
        plugin_dir_ = work_->path() + "/plugins";
        fs::create_directories(plugin_dir_);
        for (const std::string example : {"logging_extension", "command_power"}) {
            if (!setup_error_.empty()) return;
            const std::string build = work_->path() + "/build-" + example;
            setup_error_ = must_run({"cmake", "-S", std::string(INGOT_SOURCE_DIR) + "/examples/" + example, "-B", build,
                                     "-DCMAKE_PREFIX_PATH=" + prefix, "-DCMAKE_BUILD_TYPE=Release"});
            if (setup_error_.empty()) setup_error_ = must_run({"cmake", "--build", build, "-j2"});
            if (setup_error_.empty()) fs::copy_file(build + "/" + example + ".so", plugin_dir_ + "/" + example + ".so");
        }
    }
    static void TearDownTestSuite() {
        delete work_;
        work_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

    static std::string config() {
        return "[DEFAULT]\nplugin_dirs = " + plugin_dir_ +
               "\nenabled_hardware_types = fake-hardware,ipmi,command-hardware"
               "\nenabled_power_interfaces = fake,ipmitool,command"
               "\nenabled_management_interfaces = fake,ipmitool,noop\n";
    }

    static test::TempDir* work_;
    static std::string plugin_dir_;
    static std::string setup_error_;
};
test::TempDir* ExamplePlugins::work_ = nullptr;
std::string ExamplePlugins::plugin_dir_;
std::string ExamplePlugins::setup_error_;

}  // namespace

TEST_F(ExamplePlugins, AppearInExtensionsApiAndCli) {
    test::ConductorProcess conductor(config());
    json list = extensions(conductor);
    const json* logging = find_extension(list, "ingot.extensions", "logging");
    ASSERT_NE(logging, nullptr) << list.dump(2);
    EXPECT_EQ((*logging)["origin"], plugin_dir_ + "/logging_extension.so");
    EXPECT_EQ((*logging)["description"], "Logs every node event");
    ASSERT_NE(find_extension(list, "ingot.power", "command"), nullptr);
    ASSERT_NE(find_extension(list, "ingot.hardware_types", "command-hardware"), nullptr);
    EXPECT_EQ((*find_extension(list, "ingot.power", "fake"))["origin"], "built-in");

    auto cli = test::run({test::ConductorProcess::bin_dir() + "/ingot", "--url", conductor.url(), "extension", "list"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_NE(cli.out.find("logging"), std::string::npos) << cli.out;
    EXPECT_NE(cli.out.find("command-hardware"), std::string::npos) << cli.out;
    EXPECT_NE(cli.out.find("logging_extension.so"), std::string::npos) << cli.out;
}

// The directory named in plugin_dirs, again in INGOT_PLUGIN_PATH and once
// more through a symlink: each library loads once, and no "duplicate
// plugin" error is logged for a file meeting itself.
TEST_F(ExamplePlugins, ADirectoryNamedTwiceLoadsEachLibraryOnce) {
    const std::string alias = work_->path() + "/plugins-alias";
    fs::remove(alias);
    fs::create_directory_symlink(plugin_dir_, alias);
    test::ConductorProcess conductor(config(), {}, {"env", "INGOT_PLUGIN_PATH=" + plugin_dir_ + ":" + alias});
    ASSERT_NE(find_extension(extensions(conductor), "ingot.extensions", "logging"), nullptr);
    const std::string log = conductor.log();
    size_t loads = 0;
    for (size_t at = log.find("logging_extension.so"); at != std::string::npos;
         at = log.find("logging_extension.so", at + 1))
        ++loads;
    EXPECT_EQ(loads, 1u) << log;
    EXPECT_EQ(log.find("duplicate plugin"), std::string::npos) << log;
}

TEST_F(ExamplePlugins, LoggingExtensionLogsNodeEvents) {
    test::ConductorProcess conductor(config());
    auto c = client_for(conductor);
    auto created = c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware","name":"logged"})");
    ASSERT_EQ(created.status, 201);
    std::string uuid = json::parse(created.body)["uuid"];
    EXPECT_TRUE(log_shows(conductor, "logging_extension.node_create node=" + uuid)) << conductor.log();
    ASSERT_EQ(c.request("PATCH", "/v1/nodes/logged", R"([{"op":"add","path":"/extra/rack","value":"r1"}])").status,
              200);
    EXPECT_TRUE(log_shows(conductor, "logging_extension.node_update node=" + uuid + " changed=extra"));
    ASSERT_EQ(c.request("PUT", "/v1/nodes/logged/states/provision", R"({"target":"manage"})").status, 202);
    EXPECT_TRUE(log_shows(conductor, "logging_extension.provision_state node=" + uuid + " from=enroll to=verifying"));
    EXPECT_TRUE(
        log_shows(conductor, "logging_extension.provision_state node=" + uuid + " from=verifying to=manageable"));
    ASSERT_EQ(c.request("PUT", "/v1/nodes/logged/states/power", R"({"target":"power on"})").status, 202);
    EXPECT_TRUE(
        log_shows(conductor, "logging_extension.power_state node=" + uuid + " from=\"power off\" to=\"power on\""))
        << conductor.log();
    ASSERT_EQ(c.request("DELETE", "/v1/nodes/logged").status, 204);
    EXPECT_TRUE(log_shows(conductor, "logging_extension.node_delete node=" + uuid));
}

TEST_F(ExamplePlugins, CommandHardwareValidatesAndSwitchesPower) {
    test::ConductorProcess conductor(config());
    auto c = client_for(conductor);
    auto drivers = json::parse(c.request("GET", "/v1/drivers").body)["drivers"];
    bool listed = false;
    for (const auto& d : drivers) listed = listed || d["name"] == "command-hardware";
    EXPECT_TRUE(listed) << drivers.dump();

    // The "PDU" is a state file switched by copying; status prints it.
    const std::string dir = conductor.state_dir();
    std::ofstream(dir + "/on") << "on\n";
    std::ofstream(dir + "/off") << "off\n";
    std::ofstream(dir + "/state") << "off\n";
    json info = {{"command_power_on", {"cp", dir + "/on", dir + "/state"}},
                 {"command_power_off", {"cp", dir + "/off", dir + "/state"}},
                 {"command_power_status", {"cat", dir + "/state"}}};
    auto r = c.request("POST", "/v1/nodes",
                       json{{"driver", "command-hardware"}, {"name", "pdu-7"}, {"driver_info", info}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(json::parse(r.body)["power_interface"], "command");

    auto validate = json::parse(c.request("GET", "/v1/nodes/pdu-7/validate").body);
    EXPECT_EQ(validate["power"]["result"], true) << validate.dump();

    auto wait_power = [&](const std::string& want) {
        json node;
        for (int i = 0; i < 200; ++i) {
            node = json::parse(c.request("GET", "/v1/nodes/pdu-7").body);
            if (node["target_power_state"].is_null() && node["power_state"] == want) return node;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        ADD_FAILURE() << "power state never became " << want << ": " << node.dump();
        return node;
    };
    ASSERT_EQ(c.request("PUT", "/v1/nodes/pdu-7/states/power", R"({"target":"power on"})").status, 202);
    wait_power("power on");
    std::ifstream state_on(dir + "/state");
    std::string word;
    state_on >> word;
    EXPECT_EQ(word, "on");
    ASSERT_EQ(c.request("PUT", "/v1/nodes/pdu-7/states/power", R"({"target":"power off"})").status, 202);
    wait_power("power off");
    std::ifstream state_off(dir + "/state");
    state_off >> word;
    EXPECT_EQ(word, "off");

    // A node whose commands are missing does not validate, naming the key.
    ASSERT_EQ(c.request("POST", "/v1/nodes", R"({"driver":"command-hardware","name":"pdu-8"})").status, 201);
    auto bad = json::parse(c.request("GET", "/v1/nodes/pdu-8/validate").body);
    EXPECT_EQ(bad["power"]["result"], false);
    EXPECT_NE(bad["power"]["reason"].get<std::string>().find("'command_power_on'"), std::string::npos) << bad.dump();
}

TEST(BrokenPlugins, AreReportedAndSkippedAndTheConductorServes) {
    test::ConductorProcess conductor(std::string("[DEFAULT]\nplugin_dirs = ") + INGOT_TEST_PLUGIN_DIR + "\n");
    const std::string dir = INGOT_TEST_PLUGIN_DIR;
    const std::string log = conductor.log();
    auto skipped = [&](const std::string& file, const std::string& reason) {
        std::string line_start = "plugin.skipped file=" + dir + "/" + file;
        auto pos = log.find(line_start);
        ASSERT_NE(pos, std::string::npos) << file << " not reported:\n" << log;
        std::string line = log.substr(pos, log.find('\n', pos) - pos);
        EXPECT_NE(line.find(reason), std::string::npos) << line;
    };
    skipped("abi_mismatch.so", "built for plugin ABI 999, this conductor has ABI " + std::to_string(INGOT_PLUGIN_ABI_VERSION));
    skipped("no_entry_point.so", "missing entry point ingot_plugin_abi_version");
    skipped("throws_at_registration.so", "failed to register: cannot read my configuration");
    skipped("duplicate_name.so", "duplicate plugin name 'fake' in namespace ingot.power: registered by built-in");

    json list = extensions(conductor);
    EXPECT_EQ(find_extension(list, "ingot.extensions", "half-registered"), nullptr);
    EXPECT_EQ((*find_extension(list, "ingot.power", "fake"))["origin"], "built-in");
    ASSERT_NE(find_extension(list, "ingot.extensions", "failing"), nullptr);

    // Failing and slow hooks do not break or slow the API.
    auto c = client_for(conductor);
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
        auto r = c.request("POST", "/v1/nodes", R"({"driver":"fake-hardware"})");
        EXPECT_EQ(r.status, 201) << r.body;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_TRUE(log_shows(conductor, "extension.hook_failed extension=failing event=node_create"));
    EXPECT_TRUE(log_shows(conductor, "slow_extension.done", 15));
}

TEST(BrokenPlugins, UnknownEnabledInterfaceStopsStartupNamingTheOption) {
    test::TempDir dir;
    std::string conf = dir.path() + "/ingot.conf";
    std::ofstream(conf)
        << "[DEFAULT]\nenabled_power_interfaces = fake,ipmitool,teleport\n[database]\nconnection = sqlite:///"
        << dir.path() << "/db.sqlite\n";
    auto r = test::run({test::ConductorProcess::bin_dir() + "/ingot-conductor", "--config-file", conf});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("[DEFAULT] enabled_power_interfaces: no power interface named 'teleport'"), std::string::npos)
        << r.err;
}

TEST(BrokenPlugins, HardwareTypeWithoutEnabledInterfaceStopsStartup) {
    test::TempDir dir;
    std::string conf = dir.path() + "/ingot.conf";
    std::ofstream(conf) << "[DEFAULT]\nenabled_power_interfaces = fake\n[database]\nconnection = sqlite:///"
                        << dir.path() << "/db.sqlite\n";
    auto r = test::run({test::ConductorProcess::bin_dir() + "/ingot-conductor", "--config-file", conf});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("hardware type ipmi supports none of the enabled power interfaces"), std::string::npos)
        << r.err;
}
