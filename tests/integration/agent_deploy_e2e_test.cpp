// The agent deploy end to end, with real processes on loopback: an
// ingot-conductor, and an ingot-agent started for each phase as a machine
// would boot the ramdisk (fake power cannot boot anything, so the test plays
// the machine). The node uses the `direct` deploy interface with fake boot
// and power; its "disk" is a loop device the agent finds through the node's
// root device hints. Checked: cleaning on provide, available -> active with
// the image's bytes on the device, undeploy erasing the metadata, and the
// agent token never in the conductor's log.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <thread>

#include "common/http_client.h"
#include "common/process.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/agent_process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;

namespace {

constexpr const char* kMac = "52:54:00:e2:e2:01";
constexpr std::uint64_t kDiskBytes = 64ull << 20;
constexpr std::uint64_t kImageBytes = 8ull << 20;

// A whole-disk image with a GPT and one partition, the rest random bytes,
// so that both the written data and the erased metadata can be seen.
std::string make_image(const std::string& path) {
    test::write_test_image(path, kImageBytes);
    auto r = test::run({"sgdisk", "-n", "1:2048:+4M", "-c", "1:e2e-root", path});
    if (r.exit_code != 0) throw std::runtime_error("sgdisk on the image file failed: " + r.err);
    r = test::run({"sha256sum", path});
    return r.out.substr(0, 64);
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

// Polls the node until `done(node)` or `limit`; returns the last read.
json wait_for(HttpClient& c, const std::string& uuid, const std::function<bool(const json&)>& done,
              std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    json n;
    do {
        n = test::get_node(c, uuid);
        if (done(n)) return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < deadline);
    return n;
}

json wait_for_state(HttpClient& c, const std::string& uuid, const std::string& state,
                    std::chrono::seconds limit = std::chrono::seconds(90)) {
    return wait_for(
        c, uuid,
        [&](const json& n) {
            return n["provision_state"] == state || n["provision_state"] == "deploy failed" ||
                   n["provision_state"] == "clean failed";
        },
        limit);
}

// The token the conductor minted for the node's agent (never shown by the
// API, so read from the database file).
std::string agent_token(const test::ConductorProcess& p, const std::string& uuid) {
    SQLite::Database db(p.state_dir() + "/ingot.sqlite", SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    SQLite::Statement q(db, "SELECT driver_internal_info FROM nodes WHERE uuid = ?");
    q.bind(1, uuid);
    if (!q.executeStep()) return "";
    return json::parse(q.getColumn(0).getString()).value("agent_secret_token", std::string());
}

void put_provision(HttpClient& c, const std::string& uuid, const std::string& verb) {
    auto r = c.request("PUT", "/v1/nodes/" + uuid + "/states/provision", json({{"target", verb}}).dump());
    ASSERT_EQ(r.status, 202) << verb << ": " << r.body;
}

class AgentDeployE2E : public ::testing::Test {
protected:
    // Heartbeats every 0.6-1.2 s; metadata-only erase, as most operators run it.
    explicit AgentDeployE2E(const std::string& extra_config = "")
        : conductor_("[api]\nramdisk_heartbeat_timeout = 2\n"
                     "[deploy]\nerase_devices_priority = 0\n" +
                     extra_config) {}

    void SetUp() override {
        for (const char* tool : {"losetup", "sgdisk", "wipefs", "sha256sum"}) {
            if (!test::have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
        }
        disk_ = std::make_unique<test::LoopDevice>(kDiskBytes);
        if (disk_->device().empty()) GTEST_SKIP() << "the kernel refuses loop devices here: " << disk_->error();
        image_path_ = work_.path() + "/disk.img";
        image_sha256_ = make_image(image_path_);
        image_server_ = std::make_unique<test::ImageHttpServer>(image_path_);
    }

    // The ramdisk booting: an agent that looks the node up by its MAC and
    // may write to the test's loop device and nothing else.
    std::unique_ptr<test::AgentProcess> boot_ramdisk() {
        return std::make_unique<test::AgentProcess>(std::vector<std::string>{
            "--api-url", conductor_.url(), "--mac", kMac, "--loop-devices-only", "--device", disk_->device()});
    }

    test::TempDir work_;
    std::unique_ptr<test::LoopDevice> disk_;
    std::string image_path_;
    std::string image_sha256_;
    std::unique_ptr<test::ImageHttpServer> image_server_;
    test::ConductorProcess conductor_;
    HttpClient c_ = test::api_client(conductor_.url());

    // Enroll: fake-hardware with the direct deploy interface, the loop
    // device chosen by a root device hint, one port for the lookup; manage.
    std::string enroll_and_manage() {
        auto r = c_.request("POST", "/v1/nodes",
                            json({{"driver", "fake-hardware"},
                                  {"name", "e2e"},
                                  {"deploy_interface", "direct"},
                                  {"properties", {{"root_device", {{"name", disk_->device()}}}}}})
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string uuid = json::parse(r.body).value("uuid", "");
        r = c_.request("POST", "/v1/ports", json({{"address", kMac}, {"node_uuid", uuid}}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        json n = test::provision_action(c_, uuid, "manage");
        EXPECT_EQ(n["provision_state"], "manageable") << n.dump();
        return uuid;
    }

    void set_image(const std::string& uuid) {
        auto r = c_.request(
            "PATCH", "/v1/nodes/" + uuid,
            json::array({{{"op", "add"}, {"path", "/instance_info/image_source"}, {"value", image_server_->url()}},
                         {{"op", "add"}, {"path", "/instance_info/image_os_hash_algo"}, {"value", "sha256"}},
                         {{"op", "add"}, {"path", "/instance_info/image_os_hash_value"}, {"value", image_sha256_}}})
                .dump());
        ASSERT_EQ(r.status, 200) << r.body;
    }
};

class AgentFastTrack : public AgentDeployE2E {
protected:
    AgentFastTrack() : AgentDeployE2E("fast_track = true\n") {}
};

TEST_F(AgentDeployE2E, AvailableToActiveWritesTheImageAndUndeployErasesMetadata) {
    const std::string uuid = enroll_and_manage();
    ASSERT_FALSE(HasFailure());
    json n;
    HttpResponse r;

    // provide -> automated cleaning through the agent -> available.
    put_provision(c_, uuid, "provide");
    n = wait_for_state(c_, uuid, "clean wait");
    ASSERT_EQ(n["provision_state"], "clean wait") << n.dump();
    {
        auto agent = boot_ramdisk();
        n = wait_for_state(c_, uuid, "available");
        ASSERT_EQ(n["provision_state"], "available") << n.dump() << "\nagent log:\n" << agent->log();
        EXPECT_NE(agent->log().find("erase_devices_metadata"), std::string::npos) << agent->log();
    }

    // deploy -> the agent writes the image -> active.
    set_image(uuid);
    put_provision(c_, uuid, "active");
    std::string token;
    n = wait_for_state(c_, uuid, "wait call-back");
    ASSERT_EQ(n["provision_state"], "wait call-back") << n.dump();
    {
        auto agent = boot_ramdisk();
        // The token lives from the lookup until the agent is torn down.
        n = wait_for(
            c_, uuid,
            [&](const json& node) {
                if (token.empty()) token = agent_token(conductor_, uuid);
                return node["provision_state"] != "wait call-back" && node["provision_state"] != "deploying";
            },
            std::chrono::seconds(90));
        ASSERT_EQ(n["provision_state"], "active") << n.dump() << "\nagent log:\n" << agent->log();
        EXPECT_TRUE(n["last_error"].is_null()) << n.dump();
        EXPECT_EQ(n["power_state"], "power on");
        // The agent is not the ramdisk's init: it refused to power off and
        // the conductor used the (fake) out-of-band power instead.
        EXPECT_NE(agent->log().find("standby.power_off"), std::string::npos) << agent->log();
        ASSERT_FALSE(token.empty());
        EXPECT_EQ(agent_token(conductor_, uuid), "") << "the token outlived the deploy";
        EXPECT_EQ(agent->log().find(token), std::string::npos) << "the agent logged its token";
    }
    EXPECT_EQ(test::read_bytes(disk_->device(), kImageBytes), test::read_bytes(image_path_, kImageBytes))
        << "the device does not hold the image";
    EXPECT_NE(test::run({"sgdisk", "-p", disk_->device()}).out.find("e2e-root"), std::string::npos);

    // undeploy -> cleaning erases the partition tables -> available.
    put_provision(c_, uuid, "deleted");
    n = wait_for_state(c_, uuid, "clean wait");
    ASSERT_EQ(n["provision_state"], "clean wait") << n.dump();
    {
        auto agent = boot_ramdisk();
        n = wait_for_state(c_, uuid, "available");
        ASSERT_EQ(n["provision_state"], "available") << n.dump() << "\nagent log:\n" << agent->log();
    }
    EXPECT_TRUE(n["instance_info"].empty()) << n.dump();
    EXPECT_EQ(test::read_bytes(disk_->device(), 1 << 20), std::string(1 << 20, '\0'))
        << "the first MiB (MBR + primary GPT) was not erased";
    EXPECT_EQ(test::run({"wipefs", "--no-act", disk_->device()}).out, "") << "a signature survived the erase";
    // Metadata only: the data past the partition table is still there.
    EXPECT_EQ(test::read_bytes(disk_->device(), 4096, 2 << 20), test::read_bytes(image_path_, 4096, 2 << 20));

    // The history has the whole life, and the token never reached a log.
    auto history = json::parse(c_.request("GET", "/v1/nodes/" + uuid + "/history").body)["history"];
    EXPECT_GE(history.size(), 6u);
    EXPECT_EQ(conductor_.log().find(token), std::string::npos) << "the token reached the conductor's log";
}

}  // namespace

namespace {

// Fast track: the agent that cleaned the node stays up (no power off), keeps
// heartbeating while the node is available, and the deploy uses it at once:
// no reboot, no second lookup, the same agent process writes the image.
TEST_F(AgentFastTrack, TheAgentThatCleanedDeploysWithoutAReboot) {
    const std::string uuid = enroll_and_manage();
    ASSERT_FALSE(HasFailure());
    put_provision(c_, uuid, "provide");
    auto agent = boot_ramdisk();
    json n = wait_for_state(c_, uuid, "available");
    ASSERT_EQ(n["provision_state"], "available") << n.dump() << "\nagent log:\n" << agent->log();
    EXPECT_EQ(n["power_state"], "power on") << "fast track leaves the machine running";
    // Heartbeats in available are recorded, not refused.
    const std::string first_beat = n["driver_internal_info"].value("agent_last_heartbeat", "");
    ASSERT_FALSE(first_beat.empty()) << n.dump();
    n = wait_for(
        c_, uuid, [&](const json& node) { return node["driver_internal_info"].value("agent_last_heartbeat", "") != first_beat; },
        std::chrono::seconds(10));
    EXPECT_NE(n["driver_internal_info"].value("agent_last_heartbeat", ""), first_beat) << "no heartbeat while available";

    set_image(uuid);
    const size_t reboots_before = count(conductor_.log(), "agent_deploy.power node=" + uuid + " state=rebooting");
    put_provision(c_, uuid, "active");
    n = wait_for(
        c_, uuid,
        [](const json& node) {
            return node["provision_state"] != "wait call-back" && node["provision_state"] != "deploying";
        },
        std::chrono::seconds(90));
    ASSERT_EQ(n["provision_state"], "active") << n.dump() << "\nagent log:\n" << agent->log();
    EXPECT_NE(conductor_.log().find("agent_deploy.fast_track"), std::string::npos) << conductor_.log();
    EXPECT_EQ(count(conductor_.log(), "agent_deploy.power node=" + uuid + " state=rebooting"), reboots_before) << "the deploy rebooted the node";
    EXPECT_EQ(count(agent->log(), "agent.lookup_done"), 1u) << agent->log();
    EXPECT_EQ(test::read_bytes(disk_->device(), kImageBytes), test::read_bytes(image_path_, kImageBytes))
        << "the device does not hold the image";
}

}  // namespace
