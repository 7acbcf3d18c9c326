// Issue 7 end to end, on a real (virtual) machine: a QEMU machine (TCG)
// whose power and boot device are a real IPMI BMC's (OpenIPMI's ipmi_sim,
// driven by the conductor's ipmitool) network-boots into Ingot's agent
// ramdisk, for each network boot interface and firmware:
//   ipxe  slirp's DHCP names the conductor's http://10.0.2.2:PORT/boot/boot.ipxe,
//         which the NIC's iPXE ROM runs; kernel and ramdisk over HTTP
//   pxe   slirp's TFTP serves the conductor's tftp_root, filled by
//         scripts/prepare-tftp-root: pxelinux.0 (BIOS) or GRUB's bootx64.efi
//         (UEFI) read the node's per-MAC file; kernel and ramdisk over TFTP
// The API is secured as an operator would run it: http_basic, HTTPS with a
// CA handed to the ramdisk as a second initrd (so each loader is seen to
// load two), the boot files on a plain web server of their own, and the
// agent on auto-TLS, pinned by the conductor.
//  The agent looks the node up at the conductor, which deploys
// a partition image with a config drive; the node reaches `active` through
// the REST API and the conductor boots the instance from the disk. Then,
// with the machine off, the test reads the disk file itself: the partition
// table, the image's files on the root partition, grub in the MBR, and the
// config-2 partition with the node's UUID; and boots it once more from the
// disk through the API to see the instance come up on the serial console.
//
// Needs `make ramdisk` (ingot-agent.kernel and .initramfs in
// INGOT_RAMDISK_DIR) and the instance image (tests/e2e/build-instance-image):
// the test fails, saying so, when they are missing. It skips only when QEMU,
// ipmi_sim or a tool is not installed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <thread>

#include "common/http_client.h"
#include "tests/e2e/deployed_disk_check.h"
#include "tests/e2e/e2e_deploy.h"
#include "tests/e2e/e2e_inputs.h"
#include "tests/e2e/secure_api.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/ipmi_sim.h"
#include "tests/support/node_api.h"
#include "tests/support/qemu_vm.h"

using namespace ingot;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

constexpr const char* kMac = "52:54:00:e2:e7:01";
constexpr std::uint64_t kDiskBytes = 2ull << 30;  // sparse: 64 MiB config-2 + 1 GiB root fit

// Lines the timeline watches for on the serial console: the BMC script's
// power marks, iPXE, the ramdisk's init, and the instance's /init.
const std::vector<std::string> kConsoleMarkers = {
    // iPXE wraps its lines at 80 columns: short markers.
    "power on, network first",
    "power on, disk first",
    "] power off",
    "iPXE initialising devices",
    "boot.ipxe :",
    "PXELINUX 6",
    "Welcome to GRUB",
    "/deploy_kernel",
    "/deploy_ramdisk",
    "Linux version",
    "ingot-ramdisk: network up",
    "ingot-ramdisk: starting ingot-agent",
    "agent.api_tls",
    "INGOT-INSTANCE-UP",
    "INGOT-CONFIGDRIVE-UUID"};

// The node's boot interface and the firmware the machine boots with
// (deployed_disk_check.h knows the partition layout the agent makes for each).
struct BootCase {
    const char* boot_interface;  // ipxe or pxe
    const char* boot_mode;       // the node's boot_mode capability
    bool uefi;
};

void PrintTo(const BootCase& c, std::ostream* os) {
    *os << c.boot_interface << "_" << c.boot_mode;
}

// The conductor for ipmi machines booting with ipxe or pxe (the TFTP root
// is where scripts/prepare-tftp-root puts the loaders). IPMI commands may
// follow each other at once: ipmi_sim is no fragile BMC. With `secure`, its
// API as secure_api.h says, http_root served on `file_port`.
std::string conductor_config(int agent_port, const test::SecureApi* secure = nullptr, int file_port = 0) {
    return test::e2e_conductor_config(agent_port, secure ? "https" : "http") +
           (secure ? secure->config(file_port) : std::string()) +
           "[DEFAULT]\n"
           "enabled_hardware_types = ipmi\n"
           "enabled_boot_interfaces = ipxe,pxe\n"
           "[pxe]\n"
           "tftp_root = {state_dir}/tftpboot\n"
           "[ipmi]\n"
           "min_command_interval = 0\n";
}

class IpmiNetworkBootDeploy : public ::testing::TestWithParam<BootCase> {
protected:
    void SetUp() override {
        if (!test::qemu_available()) GTEST_SKIP() << test::kQemuNotInstalled;
        if (!test::IpmiSim::available()) GTEST_SKIP() << test::IpmiSim::kNotInstalled;
        if (std::string tool = test::missing_disk_tool(); !tool.empty())
            GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
        ASSERT_EQ(test::find_e2e_inputs(image_), "");
        disk_ = work_.path() + "/disk.raw";
        test::make_sparse_file(disk_, kDiskBytes);
        agent_port_ = test::free_port();
        secure_ = test::make_secure_api(work_.path());
        const int file_port = test::free_port();
        conductor_ = std::make_unique<test::ConductorProcess>(conductor_config(agent_port_, &secure_, file_port),
                                                              secure_.access());
        file_server_ = std::make_unique<test::StaticFileServer>(conductor_->state_dir() + "/httpboot", file_port);
        image_server_ = std::make_unique<test::ImageHttpServer>(image_.path);
        // What the firmware loads first, as an operator's DHCP would name
        // it: the iPXE script of http_root, or a file of the TFTP root.
        std::string bootfile = "http://10.0.2.2:" + std::to_string(file_port) + "/boot.ipxe";
        std::string tftp_root;
        if (std::string(GetParam().boot_interface) == "pxe") {
            tftp_root = conductor_->state_dir() + "/tftpboot";
            auto r = test::run({std::string(INGOT_SOURCE_DIR) + "/scripts/prepare-tftp-root", tftp_root});
            ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
            bootfile = GetParam().uefi ? "bootx64.efi" : "pxelinux.0";
        }
        bmc_ = std::make_unique<test::IpmiSim>(
            test::QemuMachineSpec{.dir = work_.path(),
                                  .disk = disk_,
                                  .mac = kMac,
                                  .bootfile = bootfile,
                                  .tftp_root = tftp_root,
                                  .agent_port_forward = agent_port_,
                                  .uefi = GetParam().uefi,
                                  // The agent ramdisk unpacks to ~120 MB (41 MB compressed); with
                                  // 256 MiB the kernel cannot unpack it and panics.
                                  .memory_mib = 1024});
    }

    // Everything that helps understand a failure.
    std::string diagnostics() const {
        std::string calls;
        for (const auto& c : bmc_->chassis_calls()) calls += "  " + c + "\n";
        return "\n--- conductor log (tail) ---\n" + test::conductor_log_tail(conductor_->log(), 60) +
               "\n--- serial console (tail) ---\n" + bmc_->console().tail(60) + "\n--- chassis calls ---\n" + calls +
               "--- qemu ---\n" + bmc_->machine_log();
    }

    test::TempDir work_;
    test::InstanceImage image_;
    std::string disk_;
    test::SecureApi secure_;
    std::unique_ptr<test::ConductorProcess> conductor_;
    std::unique_ptr<test::StaticFileServer> file_server_;
    std::unique_ptr<test::ImageHttpServer> image_server_;
    // Destroyed (with its machine) before the conductor and the work directory.
    std::unique_ptr<test::IpmiSim> bmc_;
    int agent_port_ = 0;
    HttpClient api_ = test::api_client("http://127.0.0.1:1");
    std::unique_ptr<test::E2EDeploy> deploy_;
};

TEST_P(IpmiNetworkBootDeploy, PartitionImageWithConfigDrive) {
    const BootCase mode = GetParam();
    api_ = conductor_->client();
    deploy_ = std::make_unique<test::E2EDeploy>(api_, bmc_->console(), kConsoleMarkers);
    // Secured: HTTPS only, and nothing without credentials.
    ASSERT_EQ(conductor_->url().rfind("https://", 0), 0u);
    HttpClient anonymous(conductor_->url(), std::chrono::seconds(10));
    anonymous.set_tls_verification({true, secure_.ca.ca_cert, ""});
    EXPECT_EQ(anonymous.request("GET", "/v1/nodes").status, 401);

    // Enroll: ipmi with the boot interface under test, direct deploy, the
    // firmware's boot mode, the virtio disk by name.
    std::string uuid;
    ASSERT_EQ(
        deploy_->enroll(
            {{"driver", "ipmi"},
             {"name", "e2e-qemu"},
             {"boot_interface", mode.boot_interface},
             {"deploy_interface", "direct"},
             {"driver_info", bmc_->driver_info()},
             {"properties",
              {{"root_device", {{"name", "/dev/vda"}}}, {"capabilities", std::string("boot_mode:") + mode.boot_mode}}}},
            kMac, uuid),
        "")
        << diagnostics();

    // Deploy: the partition image from the test's HTTP server (through
    // slirp, as the agent reaches it), a config drive naming the node.
    const std::size_t deploy_mark = bmc_->console().size();
    ASSERT_EQ(
        deploy_->deploy_to_active(uuid, test::guest_url(*image_server_, "/instance.raw"), image_, work_.path(), 540s),
        "")
        << diagnostics();
    EXPECT_EQ(bmc_->boot_device(), "default") << "the conductor left the machine booting from the disk";
    // The agent verified the API with the CA its second initrd brought, and
    // its heartbeats came over HTTPS; the conductor pinned its certificate.
    EXPECT_NE(bmc_->console().text(deploy_mark).find("agent.api_tls verify=true ca=/etc/ingot/api-ca.pem"),
              std::string::npos)
        << diagnostics();
    EXPECT_NE(conductor_->log().find("agent.connected node=" + uuid + " address=127.0.0.1 api_scheme=https "
                                     "callback_url=https://127.0.0.1:" + std::to_string(agent_port_) +
                                     " agent_tls=pinned certificate_sha256="),
              std::string::npos)
        << diagnostics();

    // The conductor's last act was powering the machine on from its disk:
    // the instance comes up with its root and the config drive's UUID.
    const std::string up =
        deploy_->wait_console(std::regex("INGOT-INSTANCE-UP root=UUID=([0-9a-f-]+)"), deploy_mark, 120s, uuid);
    ASSERT_NE(up, "") << "the deployed instance did not come up" << diagnostics();
    deploy_->timeline().note("instance up (1st boot): " + up);
    EXPECT_EQ(up, "INGOT-INSTANCE-UP root=UUID=" + image_.fs_uuid);
    EXPECT_NE(deploy_->wait_console(std::regex("INGOT-CONFIGDRIVE-UUID " + uuid), deploy_mark, 30s, uuid), "")
        << diagnostics();
    const std::string deploy_console = bmc_->console().text(deploy_mark);
    EXPECT_NE(deploy_console.find("ingot-ramdisk: starting ingot-agent"), std::string::npos)
        << "the deploy ran without the ramdisk booting?";
    EXPECT_LT(deploy_console.find("power on, network first"), deploy_console.find("power on, disk first"));
    // The ramdisk came the way the boot interface says: its loader showed
    // before the ramdisk started (the instance's own GRUB comes later).
    const bool ipxe = std::string(mode.boot_interface) == "ipxe";
    const char* loader = ipxe ? "boot.ipxe" : mode.uefi ? "Welcome to GRUB" : "PXELINUX";
    EXPECT_LT(deploy_console.find(loader), deploy_console.find("ingot-ramdisk: starting ingot-agent"))
        << loader << " did not load the ramdisk";
    if (!ipxe) {
        EXPECT_EQ(deploy_console.find("boot.ipxe"), std::string::npos) << "a pxe node got the iPXE script";
    }

    // Off through the API (the instance may have powered itself off already).
    json n = test::power_action(api_, uuid, "power off");
    ASSERT_EQ(n["power_state"], "power off") << n.dump() << diagnostics();
    ASSERT_FALSE(bmc_->power_on()) << "QEMU still runs";

    test::expect_deployed_partition_image({.disk = disk_,
                                           .image = image_.path,
                                           .image_fs_uuid = image_.fs_uuid,
                                           .node_uuid = uuid,
                                           .config_drive_iso = work_.path() + "/config-drive.iso",
                                           .work_dir = work_.path(),
                                           .uefi = mode.uefi});
    if (HasFatalFailure()) return;

    // Boot it again from the disk, through the API and the BMC.
    auto r = api_.request("PUT", "/v1/nodes/" + uuid + "/management/boot_device",
                          json({{"boot_device", "disk"}, {"persistent", true}}).dump());
    ASSERT_EQ(r.status, 204) << r.body;
    const std::size_t boot_mark = bmc_->console().size();
    deploy_->timeline().note("power on from disk through the API");
    n = test::power_action(api_, uuid, "power on");
    ASSERT_EQ(n["power_state"], "power on") << n.dump() << diagnostics();
    const std::string again =
        deploy_->wait_console(std::regex("INGOT-INSTANCE-UP root=UUID=[0-9a-f-]+"), boot_mark, 120s, uuid);
    ASSERT_NE(again, "") << diagnostics();
    deploy_->timeline().note("instance up (2nd boot)");
    EXPECT_EQ(again, up);
    EXPECT_NE(deploy_->wait_console(std::regex("INGOT-CONFIGDRIVE-UUID " + uuid), boot_mark, 30s, uuid), "")
        << diagnostics();
    const std::string second = bmc_->console().text(boot_mark);
    EXPECT_NE(second.find("power on, disk first"), std::string::npos) << second;
    // The NIC's iPXE ROM says this whenever the firmware boots from the network.
    EXPECT_EQ(second.find("Configuring (net0"), std::string::npos) << "the disk boot went to the network";
    std::cout << deploy_->report(uuid);
    test::power_action(api_, uuid, "power off");
}

// BIOS first: SeaBIOS boots faster under TCG than OVMF.
INSTANTIATE_TEST_SUITE_P(BootInterfaces, IpmiNetworkBootDeploy,
                         ::testing::Values(BootCase{"ipxe", "bios", false}, BootCase{"ipxe", "uefi", true},
                                           BootCase{"pxe", "bios", false}, BootCase{"pxe", "uefi", true}),
                         [](const ::testing::TestParamInfo<BootCase>& info) {
                             return std::string(info.param.boot_interface) + "_" + info.param.boot_mode;
                         });

}  // namespace

namespace {

// bench/e2e/run.sh: N machines (INGOT_E2E_MACHINES, default 4) deployed at
// once through one conductor, BIOS, each behind its own ipmi_sim. Prints
// every node's timeline as the conductor logged it and the wall time of the
// whole deploy. Disabled in the suite (minutes of TCG on every core); run
// with --gtest_also_run_disabled_tests.
TEST(E2EBench, DISABLED_ConcurrentDeploys) {
    if (!test::qemu_available()) GTEST_SKIP() << test::kQemuNotInstalled;
    if (!test::IpmiSim::available()) GTEST_SKIP() << test::IpmiSim::kNotInstalled;
    const char* env = std::getenv("INGOT_E2E_MACHINES");
    const int machines = env && *env ? std::max(1, std::atoi(env)) : 4;
    test::InstanceImage image;
    ASSERT_EQ(test::find_e2e_inputs(image), "");

    test::TempDir work;
    const int agent_port = test::free_port();  // one forward per machine below; the first seeds the config
    // Every machine advertises its own forwarded port, so the conductor's
    // kernel_append_params cannot carry it: each node gets its own.
    test::ConductorProcess conductor(conductor_config(agent_port));
    test::ImageHttpServer image_server(image.path);
    HttpClient api = test::api_client(conductor.url());

    struct Machine {
        std::string uuid, disk;
        int agent_port;
        std::unique_ptr<test::IpmiSim> bmc;
    };
    std::vector<Machine> fleet(machines);
    for (int i = 0; i < machines; ++i) {
        auto& m = fleet[i];
        char mac[32];
        std::snprintf(mac, sizeof mac, "52:54:00:e2:f0:%02x", i + 1);
        fs::create_directories(work.path() + "/m" + std::to_string(i));
        m.disk = work.path() + "/m" + std::to_string(i) + "/disk.raw";
        test::make_sparse_file(m.disk, kDiskBytes);
        m.agent_port = test::free_port();
        m.bmc = std::make_unique<test::IpmiSim>(
            test::QemuMachineSpec{.dir = work.path() + "/m" + std::to_string(i),
                                  .disk = m.disk,
                                  .mac = mac,
                                  .bootfile = "http://10.0.2.2:" + std::to_string(conductor.port()) + "/boot/boot.ipxe",
                                  .agent_port_forward = m.agent_port,
                                  .memory_mib = 1024});
        auto r = api.request(
            "POST", "/v1/nodes",
            json({{"driver", "ipmi"},
                  {"name", "bench-" + std::to_string(i)},
                  {"boot_interface", "ipxe"},
                  {"deploy_interface", "direct"},
                  {"driver_info",
                   [&] {
                       json info = m.bmc->driver_info();
                       info["kernel_append_params"] =
                           "console=ttyS0 panic=-1 ipa-advertise-host=127.0.0.1 "
                           "ipa-advertise-port=" +
                           std::to_string(m.agent_port);
                       return info;
                   }()},
                  {"properties", {{"root_device", {{"name", "/dev/vda"}}}, {"capabilities", "boot_mode:bios"}}},
                  {"instance_info",
                   {{"image_source", test::guest_url(image_server, "/instance.raw")},
                    {"image_os_hash_algo", "sha256"},
                    {"image_os_hash_value", image.sha256},
                    {"image_type", "partition"},
                    {"root_gb", 1}}}})
                .dump());
        ASSERT_EQ(r.status, 201) << r.body;
        m.uuid = json::parse(r.body)["uuid"];
        ASSERT_EQ(api.request("POST", "/v1/ports", json({{"address", mac}, {"node_uuid", m.uuid}}).dump()).status, 201);
        ASSERT_EQ(test::provision_action(api, m.uuid, "manage")["provision_state"], "manageable");
        ASSERT_EQ(test::provision_action(api, m.uuid, "provide")["provision_state"], "available");
    }

    const auto t0 = std::chrono::steady_clock::now();
    for (auto& m : fleet) {
        auto r = api.request("PUT", "/v1/nodes/" + m.uuid + "/states/provision", json({{"target", "active"}}).dump());
        ASSERT_EQ(r.status, 202) << r.body;
    }
    int active = 0;
    double last = 0;
    const auto deadline = t0 + 840s;
    std::vector<bool> done(machines, false);
    while (std::chrono::steady_clock::now() < deadline) {
        for (int i = 0; i < machines; ++i) {
            if (done[i]) continue;
            json n = test::get_node(api, fleet[i].uuid);
            if (n["provision_state"] == "active" || n["provision_state"] == "deploy failed") {
                done[i] = true;
                EXPECT_EQ(n["provision_state"], "active") << n.dump();
                if (n["provision_state"] == "active") ++active;
                last = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            }
        }
        if (std::count(done.begin(), done.end(), true) == machines) break;
        std::this_thread::sleep_for(500ms);
    }
    std::printf("[ bench ] %d machine(s) deployed at once: %d active, the last after %.1f s\n", machines, active, last);
    const std::string log = conductor.log();
    for (std::size_t pos = log.find("agent_deploy.deployed"); pos != std::string::npos;
         pos = log.find("agent_deploy.deployed", pos + 1))
        std::printf("[ bench ] %s\n", log.substr(pos, log.find('\n', pos) - pos).c_str());
    EXPECT_EQ(active, machines);
}

}  // namespace
