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
#include <iostream>
#include <regex>

#include "common/http_client.h"
#include "tests/e2e/deployed_disk_check.h"
#include "tests/e2e/e2e_deploy.h"
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

constexpr const char* kMac = "52:54:00:e2:e7:02";
constexpr const char* kSystem = "vm-0";
constexpr std::uint64_t kDiskBytes = 2ull << 30;  // sparse: ESP + config-2 + 1 GiB root fit

// Console lines the timeline watches for: OVMF choosing a boot device, the
// ramdisk's init, the instance's /init.
const std::vector<std::string> kConsoleMarkers = {"BdsDxe: loading",           "Linux version",
                                                  "ingot-ramdisk: network up", "ingot-ramdisk: starting ingot-agent",
                                                  "INGOT-INSTANCE-UP",         "INGOT-CONFIGDRIVE-UUID"};

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

// The conductor for Redfish machines booting by virtual media. The agent
// reaches the API as the guest sees the host (10.0.2.2), while the BMC, on
// the host, fetches the ISO from 127.0.0.1: so http_url is set apart from
// api_url.
std::string conductor_config(int agent_port) {
    return test::e2e_conductor_config(agent_port) +
           "[DEFAULT]\n"
           "enabled_hardware_types = redfish\n"
           "enabled_boot_interfaces = redfish-virtual-media\n"
           "[deploy]\n"
           "http_url = http://127.0.0.1:{port}/boot\n";
}

class RedfishVmediaDeploy : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::qemu_available()) GTEST_SKIP() << test::kQemuNotInstalled;
        for (const char* tool : {"grub-mkrescue", "xorriso"})
            if (!test::have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps installs it)";
        if (std::string tool = test::missing_disk_tool(); !tool.empty())
            GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
        ASSERT_EQ(test::find_e2e_inputs(image_), "");
        disk_ = work_.path() + "/disk.raw";
        test::make_sparse_file(disk_, kDiskBytes);
        const int agent_port = test::free_port();
        conductor_ = std::make_unique<test::ConductorProcess>(conductor_config(agent_port));
        image_server_ = std::make_unique<test::ImageHttpServer>(image_.path);
        test::VbmcOptions options;
        options.config_json = vbmc_config(disk_, agent_port);
        bmc_ = std::make_unique<test::VbmcProcess>(options);
        console_ = std::make_unique<test::ConsoleLog>(bmc_->dir() + "/state/" + kSystem + "/console.log");
        api_ = test::api_client(conductor_->url());
        deploy_ = std::make_unique<test::E2EDeploy>(api_, *console_, kConsoleMarkers);
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

    test::TempDir work_;
    test::InstanceImage image_;
    std::string disk_;
    std::unique_ptr<test::ConductorProcess> conductor_;
    std::unique_ptr<test::ImageHttpServer> image_server_;
    // Destroyed (stopping its QEMU) before the conductor and the work directory.
    std::unique_ptr<test::VbmcProcess> bmc_;
    std::unique_ptr<test::ConsoleLog> console_;
    HttpClient api_ = test::api_client("http://127.0.0.1:1");
    std::unique_ptr<test::E2EDeploy> deploy_;
};

TEST_F(RedfishVmediaDeploy, PartitionImageWithConfigDriveThroughRedfishVirtualMediaUefi) {
    std::string uuid;
    ASSERT_EQ(
        deploy_->enroll({{"driver", "redfish"},
                         {"name", "e2e-vmedia"},
                         {"boot_interface", "redfish-virtual-media"},
                         {"deploy_interface", "direct"},
                         {"driver_info", driver_info()},
                         {"properties", {{"root_device", {{"name", "/dev/vda"}}}, {"capabilities", "boot_mode:uefi"}}}},
                        kMac, uuid),
        "")
        << diagnostics();

    ASSERT_EQ(
        deploy_->deploy_to_active(uuid, test::guest_url(*image_server_, "/instance.raw"), image_, work_.path(), 540s),
        "")
        << diagnostics();

    // The ramdisk came from the virtual CD, which the deploy ejected when
    // it was done; the instance boots from the disk.
    const json media = cd();
    EXPECT_EQ(media["Inserted"], false) << media.dump();
    EXPECT_TRUE(media["Image"].is_null()) << media.dump();
    const std::string bmc_log = bmc_->log();
    // The deploy's power-on was the machine's first start.
    const auto first_start = bmc_log.find("vbmc.qemu_started system=vm-0");
    ASSERT_NE(first_start, std::string::npos) << bmc_log;
    const std::string start_line = bmc_log.substr(first_start, bmc_log.find('\n', first_start) - first_start);
    EXPECT_NE(start_line.find(" boot=Cd "), std::string::npos)
        << "the ramdisk did not boot from the CD: " << start_line;
    // (The instance may have powered itself off already: no power check.)
    const json state = bmc_->state(kSystem);
    EXPECT_EQ(state["last_boot_target"], "Hdd") << state.dump();

    const std::string up = deploy_->wait_console(std::regex("INGOT-INSTANCE-UP root=UUID=[0-9a-f-]+"), 0, 180s, uuid);
    ASSERT_NE(up, "") << "the deployed instance did not come up" << diagnostics();
    deploy_->timeline().note("instance up: " + up);
    EXPECT_EQ(up, "INGOT-INSTANCE-UP root=UUID=" + image_.fs_uuid);
    EXPECT_NE(deploy_->wait_console(std::regex("INGOT-CONFIGDRIVE-UUID " + uuid), 0, 30s, uuid), "") << diagnostics();
    const std::string console = console_->text();
    EXPECT_LT(console.find("ingot-ramdisk: starting ingot-agent"), console.find("INGOT-INSTANCE-UP"))
        << "the deploy ran without the ramdisk booting?";
    std::cout << deploy_->report(uuid);

    json n = test::power_action(api_, uuid, "power off");
    ASSERT_EQ(n["power_state"], "power off") << n.dump() << diagnostics();
    test::expect_deployed_partition_image({.disk = disk_,
                                           .image = image_.path,
                                           .image_fs_uuid = image_.fs_uuid,
                                           .node_uuid = uuid,
                                           .config_drive_iso = work_.path() + "/config-drive.iso",
                                           .work_dir = work_.path(),
                                           .uefi = true});
    EXPECT_EQ(conductor_->log().find("=password"), std::string::npos);
}

}  // namespace
