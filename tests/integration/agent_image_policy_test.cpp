// The image rules end to end, with a real ingot-conductor and a real
// ingot-agent writing to a loop device (the test plays the machine, as in
// agent_deploy_e2e_test.cpp): a qcow2 whose backing file is /etc/shadow
// fails the deploy in the agent with nothing written; an MD5 checksum is
// refused by the conductor unless [agent] allow_md5_checksum is set, and
// then the agent, told so by its lookup, accepts it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <thread>

#include "common/http_client.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/agent_process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;

namespace {

constexpr const char* kMac = "52:54:00:e2:e2:11";
constexpr std::uint64_t kDiskBytes = 32ull << 20;

std::string text(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

class AgentImagePolicy : public ::testing::Test {
protected:
    explicit AgentImagePolicy(const std::string& extra = "")
        : conductor_("[api]\nramdisk_heartbeat_timeout = 2\n[conductor]\nautomated_clean = false\n" + extra) {}

    void SetUp() override {
        for (const char* tool : {"losetup", "qemu-img", "sgdisk", "sha256sum", "md5sum"})
            if (!test::have_tool(tool)) GTEST_SKIP() << tool << " is missing";
        disk_ = std::make_unique<test::LoopDevice>(kDiskBytes);
        if (disk_->device().empty()) GTEST_SKIP() << "the kernel refuses loop devices here: " << disk_->error();
    }

    std::string path(const std::string& name) const { return work_.path() + "/" + name; }

    // A whole-disk image: a GPT with one partition, the rest test bytes.
    void make_disk_image(const std::string& file) {
        test::write_test_image(file, 4 << 20);
        auto r = test::run({"sgdisk", "-n", "1:2048:+1M", "-c", "1:policy-root", file});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    std::string digest(const char* tool, const std::string& file, size_t hex) {
        return test::run({tool, file}).out.substr(0, hex);
    }

    // Enrolled, available (no cleaning), with `instance_info`.
    std::string available_node(const json& instance_info) {
        auto r = c_.request("POST", "/v1/nodes",
                            json({{"driver", "fake-hardware"},
                                  {"deploy_interface", "direct"},
                                  {"properties", {{"root_device", {{"name", disk_->device()}}}}},
                                  {"instance_info", instance_info}})
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string uuid = json::parse(r.body).value("uuid", "");
        r = c_.request("POST", "/v1/ports", json({{"address", kMac}, {"node_uuid", uuid}}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(test::provision_action(c_, uuid, "manage")["provision_state"], "manageable");
        EXPECT_EQ(test::provision_action(c_, uuid, "provide")["provision_state"], "available");
        return uuid;
    }

    // Deploys with an agent booted for it; returns the node once it settles.
    json deploy(const std::string& uuid, std::string* agent_log = nullptr) {
        auto r = c_.request("PUT", "/v1/nodes/" + uuid + "/states/provision", json({{"target", "active"}}).dump());
        EXPECT_EQ(r.status, 202) << r.body;
        json n = wait_until(uuid, [](const json& node) { return node["provision_state"] != "deploying"; });
        if (n["provision_state"] != "wait call-back") return n;
        test::AgentProcess agent(
            {"--api-url", conductor_.url(), "--mac", kMac, "--loop-devices-only", "--device", disk_->device()});
        n = wait_until(uuid, [](const json& node) {
            return node["provision_state"] == "active" || node["provision_state"] == "deploy failed";
        });
        if (agent_log) *agent_log = agent.log();
        return n;
    }

    json wait_until(const std::string& uuid, const std::function<bool(const json&)>& done) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
        json n;
        do {
            n = test::get_node(c_, uuid);
            if (done(n) && n["reservation"].is_null()) return n;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        } while (std::chrono::steady_clock::now() < deadline);
        return n;
    }

    test::TempDir work_;
    std::unique_ptr<test::LoopDevice> disk_;
    test::ConductorProcess conductor_;
    HttpClient c_ = test::api_client(conductor_.url());
};

TEST_F(AgentImagePolicy, AQcow2BackedByTheHostsShadowFileFailsTheDeployWithNothingWritten) {
    auto r = test::run({"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", "/etc/shadow", "-u",
                        path("shadow.qcow2"), "16M"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::ImageHttpServer server(path("shadow.qcow2"));
    const std::string uuid = available_node({{"image_source", server.url("/shadow.qcow2")},
                                             {"image_disk_format", "qcow2"},
                                             {"image_os_hash_algo", "sha256"},
                                             {"image_os_hash_value", digest("sha256sum", path("shadow.qcow2"), 64)}});
    std::string agent_log;
    json n = deploy(uuid, &agent_log);
    EXPECT_EQ(n["provision_state"], "deploy failed") << n.dump() << "\nagent log:\n" << agent_log;
    EXPECT_NE(text(n["last_error"]).find("has a backing file (/etc/shadow)"), std::string::npos) << n.dump();
    EXPECT_EQ(test::read_bytes(disk_->device(), kDiskBytes), std::string(kDiskBytes, '\0'));
    EXPECT_EQ(agent_log.find("qemu-img convert"), std::string::npos) << agent_log;
}

TEST_F(AgentImagePolicy, AnMd5ChecksumIsRefusedByDefault) {
    make_disk_image(path("disk.raw"));
    const std::string uuid = available_node(
        {{"image_source", "http://127.0.0.1:1/disk.raw"}, {"image_checksum", digest("md5sum", path("disk.raw"), 32)}});
    json v = json::parse(c_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
    EXPECT_EQ(v["deploy"]["result"], false) << v.dump();
    EXPECT_NE(text(v["deploy"]["reason"])
                  .find("instance_info/image_checksum is an MD5 checksum, which is refused "
                        "([agent] allow_md5_checksum is false)"),
              std::string::npos)
        << v.dump();
    json n = deploy(uuid);
    EXPECT_EQ(n["provision_state"], "deploy failed") << n.dump();
    EXPECT_NE(text(n["last_error"]).find("MD5"), std::string::npos) << n.dump();
    auto r = c_.request("PATCH", "/v1/nodes/" + uuid,
                        json::array({{{"op", "add"}, {"path", "/instance_info/image_os_hash_algo"}, {"value", "MD5"}},
                                     {{"op", "add"},
                                      {"path", "/instance_info/image_os_hash_value"},
                                      {"value", digest("md5sum", path("disk.raw"), 32)}}})
                            .dump());
    ASSERT_EQ(r.status, 200) << r.body;
    v = json::parse(c_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
    EXPECT_NE(text(v["deploy"]["reason"]).find("instance_info/image_os_hash_algo is an MD5 checksum"),
              std::string::npos)
        << v.dump();
}

class AgentImagePolicyMd5Allowed : public AgentImagePolicy {
protected:
    AgentImagePolicyMd5Allowed() : AgentImagePolicy("[agent]\nallow_md5_checksum = true\n") {}
};

TEST_F(AgentImagePolicyMd5Allowed, TheAgentLearnsFromItsLookupThatMd5IsAllowed) {
    make_disk_image(path("disk.raw"));
    test::ImageHttpServer server(path("disk.raw"));
    const std::string uuid = available_node(
        {{"image_source", server.url("/disk.raw")}, {"image_checksum", digest("md5sum", path("disk.raw"), 32)}});
    std::string agent_log;
    json n = deploy(uuid, &agent_log);
    ASSERT_EQ(n["provision_state"], "active") << n.dump() << "\nagent log:\n" << agent_log;
    EXPECT_EQ(test::read_bytes(disk_->device(), 4 << 20), test::read_bytes(path("disk.raw"), 4 << 20));
}

}  // namespace
