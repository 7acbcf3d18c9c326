// Issue 7 end to end through Redfish and virtual media: a QEMU machine
// (TCG, UEFI with OVMF) behind ingot-vbmc's Redfish service (HTTPS with a
// test CA) is a `redfish` node with the `redfish-virtual-media` boot
// interface. The conductor builds the agent ISO, the BMC fetches it from
// the conductor's /boot/ and inserts it as the machine's virtual CD, the
// machine boots the CD into Ingot's agent ramdisk, and the agent, reached
// through a port QEMU forwards, deploys a partition image with a config
// drive. The node reaches `active` through the API with the CD ejected; the
// instance boots from the disk; the disk file is then checked as in the
// ipmi test (deployed_disk_check.h).
//
// No DHCP boot file and no TFTP: the NIC only gives the ramdisk its network.
// Needs `make ramdisk` and the instance image like ipmi_ipxe_deploy_test;
// skips when QEMU or grub-mkrescue is not installed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <regex>
#include <thread>

#include "common/http_client.h"
#include "tests/e2e/config_drive.h"
#include "tests/e2e/deploy_timeline.h"
#include "tests/e2e/deployed_disk_check.h"
#include "tests/e2e/disk_image_file.h"
#include "tests/e2e/e2e_inputs.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"
#include "tests/support/node_api.h"
#include "tests/support/qemu_vm.h"
#include "tests/support/vbmc_process.h"

using namespace ingot;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

constexpr const char* kMac = "52:54:00:e2:e7:02";
constexpr const char* kSystem = "vm-0";
constexpr std::uint64_t kDiskBytes = 2ull << 30;  // sparse: ESP + config-2 + 1 GiB root fit

// Console lines the timeline watches for: OVMF choosing a boot device, the
// ramdisk's init, the instance's /init.
const std::vector<std::string> kConsoleMarkers = {"BdsDxe: loading",
                                                  "Linux version",
                                                  "ingot-ramdisk: network up",
                                                  "ingot-ramdisk: starting ingot-agent",
                                                  "INGOT-INSTANCE-UP",
                                                  "INGOT-CONFIGDRIVE-UUID"};

// ingot-vbmc's configuration: one QEMU machine with the test's disk file
// and a NIC on slirp forwarding `agent_port` on the host to the agent.
std::string vbmc_config(const std::string& disk, int agent_port) {
    return json({{"systems",
                  {{{"id", kSystem},
                    {"backend", "qemu"},
                    {"qemu",
                     {// The agent ramdisk unpacks to ~120 MB: 256 MiB is too little.
                      {"memory_mib", 1024},
                      {"firmware", "uefi"},
                      {"disk", {{"path", disk}, {"format", "raw"}}},
                      {"nics",
                       {{{"mac", kMac},
                         {"user_options", "hostfwd=tcp:127.0.0.1:" + std::to_string(agent_port) + "-:9999"}}}},
                      // A guard: no QEMU outlives the test's own limits.
                      {"max_runtime_s", 900}}}}}}})
        .dump();
}

// The conductor as an operator of Redfish machines configures it. The
// agent reaches the API as the guest sees the host (10.0.2.2), while the
// BMC, on the host, fetches the ISO from 127.0.0.1: so http_url is set
// apart from api_url. Power sync is off so that only the deploy and the
// test power the machine (the instance powers itself off).
std::string conductor_config(const std::string& ramdisk, int agent_port) {
    return "[DEFAULT]\n"
           "enabled_hardware_types = redfish\n"
           "enabled_boot_interfaces = redfish-virtual-media\n"
           "enabled_deploy_interfaces = direct\n"
           "[conductor]\n"
           "api_url = http://10.0.2.2:{port}\n"
           "deploy_kernel = file://" +
           ramdisk +
           "/ingot-agent.kernel\n"
           "deploy_ramdisk = file://" +
           ramdisk +
           "/ingot-agent.initramfs\n"
           "automated_clean = false\n"
           "sync_power_state_interval = 0\n"
           "deploy_callback_timeout = 480\n"
           "[deploy]\n"
           "http_root = {state_dir}/httpboot\n"
           "http_url = http://127.0.0.1:{port}/boot\n"
           "[pxe]\n"
           "kernel_append_params = console=ttyS0 panic=-1 ipa-advertise-host=127.0.0.1 ipa-advertise-port=" +
           std::to_string(agent_port) +
           "\n"
           "image_cache_dir = {state_dir}/master_images\n";
}

class RedfishVmediaDeploy : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::qemu_available()) GTEST_SKIP() << test::kQemuNotInstalled;
        for (const char* tool : {"grub-mkrescue", "xorriso", "genisoimage", "isoinfo", "gzip", "base64", "parted",
                                 "sgdisk", "blkid", "debugfs", "mdir"})
            if (!test::have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
        ASSERT_EQ(test::missing_ramdisk(), "");
        std::string image_error;
        image_ = test::find_instance_image(image_error);
        ASSERT_FALSE(image_.empty()) << image_error;

        disk_ = work_.path() + "/disk.raw";
        std::ofstream(disk_).close();
        fs::resize_file(disk_, kDiskBytes);
        const int agent_port = test::free_port();
        conductor_ = std::make_unique<test::ConductorProcess>(conductor_config(test::ramdisk_dir(), agent_port));
        image_server_ = std::make_unique<test::ImageHttpServer>(image_);
        test::VbmcOptions options;
        options.config_json = vbmc_config(disk_, agent_port);
        bmc_ = std::make_unique<test::VbmcProcess>(options);
        console_ = std::make_unique<test::ConsoleLog>(bmc_->dir() + "/state/" + kSystem + "/console.log");
        api_ = test::api_client(conductor_->url());
        timeline_ = std::make_unique<test::DeployTimeline>(*console_, kConsoleMarkers);
    }

    json driver_info() const {
        return {{"redfish_address", bmc_->url()},
                {"redfish_system_id", std::string("/redfish/v1/Systems/") + kSystem},
                {"redfish_username", "admin"},
                {"redfish_password", "password"},
                {"redfish_verify_ca", bmc_->ca_file()}};
    }

    // The machine's virtual CD as its BMC shows it over Redfish.
    json cd() {
        auto r = bmc_->client().request("GET", std::string("/redfish/v1/Managers/") + kSystem + "/VirtualMedia/Cd");
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? json::parse(r.body) : json::object();
    }

    std::string diagnostics() const {
        return "\n--- conductor log (tail) ---\n" + test::conductor_log_tail(conductor_->log(), 60) +
               "\n--- serial console (tail) ---\n" + console_->tail(60) + "\n--- ingot-vbmc log (tail) ---\n" +
               test::conductor_log_tail(bmc_->log(), 30);
    }

    json wait_node(const std::string& uuid, const std::function<bool(const json&)>& done, std::chrono::seconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        json n;
        do {
            n = test::get_node(api_, uuid);
            timeline_->poll(n);
            if (done(n)) return n;
            std::this_thread::sleep_for(500ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return n;
    }

    std::string wait_console(const std::regex& pattern, std::size_t from, std::chrono::seconds limit,
                             const std::string& uuid) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        do {
            timeline_->poll(test::get_node(api_, uuid));
            std::smatch m;
            const std::string text = console_->text(from);
            if (std::regex_search(text, m, pattern)) return m.str(0);
            std::this_thread::sleep_for(500ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return "";
    }

    test::TempDir work_;
    std::string image_, disk_;
    std::unique_ptr<test::ConductorProcess> conductor_;
    std::unique_ptr<test::ImageHttpServer> image_server_;
    // Destroyed (stopping its QEMU) before the conductor and the work directory.
    std::unique_ptr<test::VbmcProcess> bmc_;
    std::unique_ptr<test::ConsoleLog> console_;
    HttpClient api_ = test::api_client("http://127.0.0.1:1");
    std::unique_ptr<test::DeployTimeline> timeline_;
};

TEST_F(RedfishVmediaDeploy, PartitionImageWithConfigDriveThroughRedfishVirtualMediaUefi) {
    const std::string image_sha256 = test::run({"sha256sum", image_}).out.substr(0, 64);
    const auto image_probe = test::probe_partition(image_, {0, 0, fs::file_size(image_), "", ""});
    ASSERT_EQ(image_probe.count("TYPE") ? image_probe.at("TYPE") : "", "ext4") << image_ << " is no ext4 image";
    const std::string image_fs_uuid = image_probe.at("UUID");

    auto r = api_.request("POST", "/v1/nodes",
                          json({{"driver", "redfish"},
                                {"name", "e2e-vmedia"},
                                {"boot_interface", "redfish-virtual-media"},
                                {"deploy_interface", "direct"},
                                {"driver_info", driver_info()},
                                {"properties",
                                 {{"root_device", {{"name", "/dev/vda"}}}, {"capabilities", "boot_mode:uefi"}}}})
                              .dump());
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string uuid = json::parse(r.body)["uuid"];
    r = api_.request("POST", "/v1/ports", json({{"address", kMac}, {"node_uuid", uuid}}).dump());
    ASSERT_EQ(r.status, 201) << r.body;
    json n = test::provision_action(api_, uuid, "manage");
    ASSERT_EQ(n["provision_state"], "manageable") << n.dump() << diagnostics();
    n = test::provision_action(api_, uuid, "provide");
    ASSERT_EQ(n["provision_state"], "available") << n.dump() << diagnostics();
    auto v = json::parse(api_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
    for (const char* iface : {"power", "management", "boot"})
        EXPECT_EQ(v[iface]["result"], true) << iface << ": " << v.dump();

    r = api_.request(
        "PATCH", "/v1/nodes/" + uuid,
        json::array({{{"op", "add"},
                      {"path", "/instance_info/image_source"},
                      {"value", test::guest_url(*image_server_, "/instance.raw")}},
                     {{"op", "add"}, {"path", "/instance_info/image_os_hash_algo"}, {"value", "sha256"}},
                     {{"op", "add"}, {"path", "/instance_info/image_os_hash_value"}, {"value", image_sha256}},
                     {{"op", "add"}, {"path", "/instance_info/image_type"}, {"value", "partition"}},
                     {{"op", "add"}, {"path", "/instance_info/root_gb"}, {"value", 1}}})
            .dump());
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string configdrive = test::make_config_drive(work_.path(), {{"uuid", uuid}, {"name", "e2e-vmedia"}});
    r = api_.request("PUT", "/v1/nodes/" + uuid + "/states/provision",
                     json({{"target", "active"}, {"configdrive", configdrive}}).dump());
    ASSERT_EQ(r.status, 202) << r.body;
    timeline_->note("PUT provision active");

    n = wait_node(
        uuid,
        [](const json& node) {
            const auto state = node["provision_state"];
            return (state == "active" || state == "deploy failed") && node["reservation"].is_null();
        },
        540s);
    timeline_->note("deploy over: " + n["provision_state"].dump());
    auto history = [&] {
        auto h = api_.request("GET", "/v1/nodes/" + uuid + "/history");
        return h.status == 200 ? json::parse(h.body).value("history", json::array()) : json::array();
    };
    std::cout << timeline_->report(history());
    ASSERT_EQ(n["provision_state"], "active") << n.dump(2) << diagnostics();
    EXPECT_TRUE(n["last_error"].is_null()) << n.dump();
    EXPECT_EQ(n["power_state"], "power on");

    // The ramdisk came from the virtual CD, which the deploy ejected when
    // it was done; the instance boots from the disk.
    const json media = cd();
    EXPECT_EQ(media["Inserted"], false) << media.dump();
    EXPECT_TRUE(media["Image"].is_null()) << media.dump();
    const std::string bmc_log = bmc_->log();
    const auto cd_boot = bmc_log.find("vbmc.qemu_started system=vm-0");
    ASSERT_NE(cd_boot, std::string::npos) << bmc_log;
    EXPECT_NE(bmc_log.find("boot=Cd", cd_boot), std::string::npos) << "the ramdisk did not boot from the CD\n"
                                                                  << bmc_log;
    // (The instance may have powered itself off already: no power check.)
    const json state = bmc_->state(kSystem);
    EXPECT_EQ(state["last_boot_target"], "Hdd") << state.dump();

    const std::string up = wait_console(std::regex("INGOT-INSTANCE-UP root=UUID=([0-9a-f-]+)"), 0, 180s, uuid);
    ASSERT_NE(up, "") << "the deployed instance did not come up" << diagnostics();
    timeline_->note("instance up: " + up);
    EXPECT_EQ(up, "INGOT-INSTANCE-UP root=UUID=" + image_fs_uuid);
    EXPECT_NE(wait_console(std::regex("INGOT-CONFIGDRIVE-UUID " + uuid), 0, 30s, uuid), "") << diagnostics();
    const std::string console = console_->text();
    EXPECT_LT(console.find("ingot-ramdisk: starting ingot-agent"), console.find("INGOT-INSTANCE-UP"))
        << "the deploy ran without the ramdisk booting?";
    std::cout << timeline_->report(history());

    n = test::power_action(api_, uuid, "power off");
    ASSERT_EQ(n["power_state"], "power off") << n.dump() << diagnostics();
    test::expect_deployed_partition_image({.disk = disk_,
                                           .image = image_,
                                           .image_fs_uuid = image_fs_uuid,
                                           .node_uuid = uuid,
                                           .config_drive_iso = work_.path() + "/config-drive.iso",
                                           .work_dir = work_.path(),
                                           .uefi = true});
    EXPECT_EQ(conductor_->log().find("=password"), std::string::npos);
}

}  // namespace
