// The deploy and clean commands of a real ingot-agent process, end to end:
// write_image streams a whole-disk image from a loopback HTTP server onto a
// loop device, get_partition_uuids reports it, erase_devices_metadata wipes
// it, and without --loop-devices-only the same write is refused and the
// device left untouched. Also `ingot-agent plan`.
//
// SAFETY: the agent runs with --loop-devices-only and --device naming the
// one loop device this test attached (so other loop devices on the machine,
// e.g. other tests', are never erased), or with neither flag when the test
// checks that it refuses. Loop devices (tests/support/loop_device.h) are
// detached by RAII even when a check fails.
#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

#include "common/http_client.h"
#include "common/process.h"
#include "common/strings.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/agent_process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

using namespace ingot;
using ingot::test::have_tool;
using ingot::test::LoopDevice;
using ingot::test::read_bytes;
using nlohmann::json;

namespace {

// ingot-agent --standalone with `extra` flags.
struct AgentProcess : test::AgentProcess {
    explicit AgentProcess(std::vector<std::string> extra) : test::AgentProcess(standalone(std::move(extra))) {}
    static std::vector<std::string> standalone(std::vector<std::string> extra) {
        extra.insert(extra.begin(), "--standalone");
        return extra;
    }
};

// Posts a command; for an asynchronous one, polls GET /v1/commands/ (as the
// conductor does) until it is no longer RUNNING.
json run_command(HttpClient& c, const std::string& name, const json& params,
                 std::chrono::seconds timeout = std::chrono::seconds(120)) {
    auto r = c.request("POST", "/v1/commands/", json({{"name", name}, {"params", params}}).dump());
    if (r.status != 200) throw std::runtime_error(name + ": HTTP " + std::to_string(r.status) + " " + r.body);
    json started = json::parse(r.body);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json last = started;
    while (last["command_status"] == "RUNNING" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        json list = json::parse(c.request("GET", "/v1/commands/").body)["commands"];
        for (const auto& cmd : list) {
            if (cmd["id"] == started["id"]) last = cmd;
        }
    }
    return last;
}

class AgentDeployCommands : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"losetup", "sgdisk", "blkid", "wipefs", "lsblk", "dd", "sha256sum"}) {
            if (!have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
        }
        // A whole-disk image: a GPT with one partition, pseudo-random data in it.
        image_ = dir_.path() + "/disk.raw";
        test::write_test_image(image_, kImageSize, 7);
        auto r = test::run({"sgdisk", "-o", "-n", "1:0:0", "-t", "1:8300", "-c", "1:ingot-test", image_});
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        sha256_ = test::run({"sha256sum", image_}).out.substr(0, 64);
        ASSERT_EQ(sha256_.size(), 64u);
    }

    // Detached (and its file removed) by its destructor, even when a check fails.
    std::unique_ptr<LoopDevice> attach(std::uint64_t size = 8 << 20) { return std::make_unique<LoopDevice>(size); }

    json write_image_params(const std::string& url, const std::string& device, const std::string& checksum) {
        json image_info = {{"id", "ingot-test-image"},  {"urls", {url}},        {"os_hash_algo", "sha256"},
                           {"os_hash_value", checksum}, {"disk_format", "raw"}, {"image_type", "whole-disk-image"},
                           {"stream_raw_images", true}};
        return {{"step",
                 {{"interface", "deploy"},
                  {"step", "write_image"},
                  {"priority", 80},
                  {"args", {{"image_info", image_info}, {"configdrive", nullptr}}}}},
                {"node",
                 {{"uuid", "6b2e0a34-9a1e-4d47-8f0e-2f1f1b6b0a01"},
                  {"properties", {{"root_device", {{"name", device}}}}},
                  {"instance_info", {{"image_source", url}}}}},
                {"ports", json::array()}};
    }

    static constexpr std::uint64_t kImageSize = 4 << 20;
    test::TempDir dir_;
    std::string image_;
    std::string sha256_;
};

#define LOOP_OR_SKIP(var)      \
    auto var = attach();       \
    if (var->device().empty()) \
        GTEST_SKIP() << "the kernel refuses loop devices here (losetup failed: " << trim(var->error()) << ")";

TEST_F(AgentDeployCommands, WriteImageThenPartitionUuidsThenEraseMetadata) {
    LOOP_OR_SKIP(loop);
    const std::string dev = loop->device();
    test::ImageHttpServer server(image_);
    AgentProcess agent({"--loop-devices-only", "--device", dev});
    HttpClient c(agent.url(), std::chrono::seconds(30));

    json done = run_command(c, "deploy.execute_deploy_step", write_image_params(server.url(), dev, sha256_));
    ASSERT_EQ(done["command_status"], "SUCCEEDED") << done.dump(2) << agent.log();
    EXPECT_EQ(done["command_result"]["deploy_step"]["step"], "write_image");
    const std::string message = done["command_result"]["deploy_result"]["result"];
    EXPECT_TRUE(
        starts_with(message, "prepare_image: image (ingot-test-image) written to device " + dev + " root_uuid="))
        << message;
    EXPECT_TRUE(read_bytes(dev, kImageSize) == read_bytes(image_, kImageSize)) << dev << " does not hold the image";

    json uuids = run_command(c, "standby.get_partition_uuids", json::object());
    ASSERT_EQ(uuids["command_status"], "SUCCEEDED") << uuids.dump(2);
    ASSERT_TRUE(uuids["command_result"]["root uuid"].is_string()) << uuids.dump(2);
    EXPECT_FALSE(uuids["command_result"]["root uuid"].get<std::string>().empty()) << uuids.dump(2);
    EXPECT_TRUE(ends_with(message, "root_uuid=" + uuids["command_result"]["root uuid"].get<std::string>())) << message;

    auto table = test::run({"sgdisk", "-p", dev});
    ASSERT_NE(table.out.find("ingot-test"), std::string::npos) << "the image's partition table: " << table.out;

    json step = {{"step", "erase_devices_metadata"}, {"interface", "deploy"}, {"priority", 99}};
    json erased = run_command(c, "clean.execute_clean_step",
                              {{"step", step}, {"node", {{"uuid", "n"}}}, {"ports", json::array()}});
    ASSERT_EQ(erased["command_status"], "SUCCEEDED") << erased.dump(2) << agent.log();
    EXPECT_EQ(erased["command_result"], json({{"clean_result", nullptr}, {"clean_step", step}}));
    table = test::run({"sgdisk", "-p", dev});
    EXPECT_EQ(table.out.find("ingot-test"), std::string::npos) << "the partition table survived: " << table.out;
    auto probe = test::run({"blkid", "-p", "-o", "export", dev});
    EXPECT_EQ(probe.out.find("PTTYPE"), std::string::npos) << probe.out;
    EXPECT_EQ(read_bytes(dev, 1 << 20), std::string(1 << 20, '\0')) << "the first MiB is not zeroed";
    auto size = loop->size();
    EXPECT_EQ(read_bytes(dev, 1 << 20, size - (1 << 20)), std::string(1 << 20, '\0')) << "the last MiB is not zeroed";
    // Every command was logged with its output.
    EXPECT_NE(agent.log().find("sgdisk -Z " + dev), std::string::npos);
}

TEST_F(AgentDeployCommands, BadChecksumFails) {
    LOOP_OR_SKIP(loop);
    test::ImageHttpServer server(image_);
    AgentProcess agent({"--loop-devices-only", "--device", loop->device()});
    HttpClient c(agent.url(), std::chrono::seconds(30));
    json done = run_command(c, "deploy.execute_deploy_step",
                            write_image_params(server.url(), loop->device(), std::string(64, '0')));
    ASSERT_EQ(done["command_status"], "FAILED") << done.dump(2);
    EXPECT_EQ(done["command_error"]["type"], "ImageChecksumError") << done.dump(2);
    EXPECT_NE(to_lower(done["command_error"]["details"].get<std::string>()).find("checksum"), std::string::npos)
        << done.dump(2);
    json uuids = run_command(c, "standby.get_partition_uuids", json::object());
    EXPECT_EQ(uuids["command_result"], json::object()) << "a failed write leaves nothing to report";
    json boot = run_command(c, "image.install_bootloader", {{"root_uuid", "x"}, {"target_boot_mode", "uefi"}});
    EXPECT_EQ(boot["command_status"], "FAILED");
    EXPECT_NE(boot["command_error"]["details"].get<std::string>().find("no image was written"), std::string::npos);
}

TEST_F(AgentDeployCommands, RefusedWithoutLoopDevicesOnly) {
    LOOP_OR_SKIP(loop);
    test::ImageHttpServer server(image_);
    // SAFETY: no --loop-devices-only, no --allow-disk-writes, not PID 1: the
    // agent must refuse, and the device stays all zeros.
    ASSERT_NE(getpid(), 1);
    AgentProcess agent({});
    HttpClient c(agent.url(), std::chrono::seconds(30));
    json done = run_command(c, "deploy.execute_deploy_step", write_image_params(server.url(), loop->device(), sha256_));
    ASSERT_EQ(done["command_status"], "FAILED") << done.dump(2);
    EXPECT_EQ(done["command_error"]["type"], "ProtectedDeviceError");
    EXPECT_EQ(done["command_error"]["details"],
              "ingot-agent is not the ramdisk's init (PID 1); it writes to disks only with --allow-disk-writes, or "
              "to loop devices with --loop-devices-only");
    json erase = run_command(c, "clean.execute_clean_step",
                             {{"step", {{"step", "erase_devices_metadata"}}}, {"node", json::object()}});
    EXPECT_EQ(erase["command_status"], "FAILED");
    EXPECT_EQ(erase["command_error"]["type"], "ProtectedDeviceError");
    EXPECT_TRUE(server.ranges().empty()) << "the image was not even downloaded";
    EXPECT_EQ(read_bytes(loop->device(), 8 << 20), std::string(8 << 20, '\0')) << "the device was written";
}

TEST_F(AgentDeployCommands, PlanSubcommand) {
    LOOP_OR_SKIP(loop);
    const std::string dev = loop->device();
    const std::string bin = test::ConductorProcess::bin_dir() + "/ingot-agent";
    const std::string native = dir_.path() + "/native.json";
    std::ofstream(native)
        << json{{"disks",
                 {{{"hints", {{"name", dev}}},
                   {"partitions",
                    {{{"name", "esp"}, {"size", 2}, {"flags", {"esp"}}}, {{"name", "root"}, {"size", "remaining"}}}}}}},
                {"filesystems", {{{"device", "esp"}, {"type", "vfat"}}, {{"device", "root"}, {"type", "ext4"}}}}}
               .dump();
    auto r = test::run({bin, "plan", "--input", native, "--driver", "native", "--loop-devices-only"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const std::string p1 = dev + "p1";
    EXPECT_NE(r.out.find("# partitioning\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sgdisk -n 1:0:+2M -t 1:EF00 -c 1:esp " + dev + "\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("sgdisk -n 2:0:0 -t 2:8300 -c 2:root " + dev + "\n"), std::string::npos) << r.out;
    EXPECT_LT(r.out.find("# partitioning"), r.out.find("# image")) << "in deploy order";
    // Nothing was touched.
    EXPECT_EQ(read_bytes(dev, 8 << 20), std::string(8 << 20, '\0'));

    // The ironic driver reads the params the conductor posts.
    const std::string ironic = dir_.path() + "/ironic.json";
    std::ofstream(ironic) << write_image_params("http://images.example/disk.raw", dev, sha256_).dump();
    r = test::run({bin, "plan", "--input", ironic, "--loop-devices-only"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("write http://images.example/disk.raw (raw, sha256 " + sha256_ + ") to " + dev),
              std::string::npos)
        << r.out;

    // An invalid document: exit 2 and the path of the bad field.
    std::ofstream(native) << R"({"disks": [{"partitions": [{"name": "root", "size": "12XB"}]}]})";
    r = test::run({bin, "plan", "--input", native, "--driver", "native", "--loop-devices-only"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("disks[0].partitions[0].size"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    // A hint that names a real disk finds nothing under --loop-devices-only.
    std::ofstream(native) << R"({"disks": [{"hints": {"name": "/dev/sda"}, "partitions": [{"size": "remaining"}]}]})";
    r = test::run({bin, "plan", "--input", native, "--driver", "native", "--loop-devices-only"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("disks[0].hints"), std::string::npos) << r.err;
}

}  // namespace
