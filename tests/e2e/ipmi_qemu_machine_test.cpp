// The e2e harness on its own, without a conductor: a QEMU machine (TCG)
// behind OpenIPMI's ipmi_sim, driven with Debian's ipmitool as an operator
// would. Power on boots it from the network into an iPXE script served over
// slirp from the test's HTTP server; power off kills QEMU at once; `bootdev
// disk` makes the next power-on try the disk first; reset boots it again;
// the BMC's destructor leaves no QEMU behind. Also QemuVm started directly,
// with SeaBIOS and with OVMF.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <string>

#include "common/process.h"
#include "tests/e2e/e2e_inputs.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/ipmi_sim.h"
#include "tests/support/qemu_vm.h"

using namespace ingot;
using namespace std::chrono_literals;

namespace {

constexpr const char* kMac = "52:54:00:e2:e0:01";
// iPXE prints the marker, then waits (the machine stays on until the BMC
// turns it off; the 2019 iPXE has no poweroff).
constexpr const char* kScript = "#!ipxe\necho INGOT-HARNESS-SCRIPT ${mac}\nsleep 600\n";

test::RunResult ipmitool(const test::IpmiSim& bmc, std::vector<std::string> args) {
    // -C 3: without it ipmitool spends 10 s on cipher suite discovery.
    std::vector<std::string> argv = {
        "ipmitool", "-I",           "lanplus", "-C", "3", "-H", bmc.address(), "-p", std::to_string(bmc.port()),
        "-U",       bmc.username(), "-E"};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv, {{"IPMI_PASSWORD", bmc.password()}});
}

class QemuMachineHarness : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::qemu_available()) GTEST_SKIP() << test::kQemuNotInstalled;
        if (!test::IpmiSim::available()) GTEST_SKIP() << test::IpmiSim::kNotInstalled;
        script_ = work_.path() + "/boot.ipxe";
        std::ofstream(script_) << kScript;
        disk_ = work_.path() + "/disk.raw";
        std::ofstream(disk_).close();
        std::filesystem::resize_file(disk_, 64ull << 20);  // sparse, blank: not bootable
        server_ = std::make_unique<test::ImageHttpServer>(script_);
    }

    test::QemuMachineSpec spec() const {
        return {.dir = "", .disk = disk_, .mac = kMac, .bootfile = test::guest_url(*server_, "/boot.ipxe")};
    }

    test::TempDir work_;
    std::string script_, disk_;
    std::unique_ptr<test::ImageHttpServer> server_;
};

TEST_F(QemuMachineHarness, IpmitoolPowersTheMachineAndChoosesItsBootDevice) {
    auto bmc = std::make_unique<test::IpmiSim>(spec());
    const auto& console = bmc->console();
    EXPECT_FALSE(bmc->power_on()) << "a new machine is off";
    EXPECT_NE(ipmitool(*bmc, {"power", "status"}).out.find("Chassis Power is off"), std::string::npos);

    // Network boot: slirp's DHCP names the script, iPXE fetches and runs it.
    ASSERT_EQ(ipmitool(*bmc, {"chassis", "bootdev", "pxe"}).exit_code, 0);
    const auto start = std::chrono::steady_clock::now();
    auto r = ipmitool(*bmc, {"power", "on"});
    const double answer_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_LT(answer_s, 1.0) << "the chassis script must answer at once (ipmitool retransmits)";
    EXPECT_TRUE(bmc->power_on());
    EXPECT_NE(ipmitool(*bmc, {"power", "status"}).out.find("Chassis Power is on"), std::string::npos);
    const pid_t first = bmc->machine_pid();
    ASSERT_GT(first, 0);
    ASSERT_NE(console.wait_for(std::string("INGOT-HARNESS-SCRIPT ") + kMac, 90s), "")
        << console.tail() << "\nqemu: " << bmc->machine_log();
    const double script_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ timing ] ipmitool power on -> iPXE ran the script: " << script_s << " s\n";
    EXPECT_NE(console.text().find("power on, network first"), std::string::npos);
    EXPECT_EQ(server_->ranges().size(), 1u) << "iPXE fetched the script once";

    // Power on again while on changes nothing (same QEMU).
    ASSERT_EQ(ipmitool(*bmc, {"power", "on"}).exit_code, 0);
    EXPECT_EQ(bmc->machine_pid(), first);

    // Power off kills QEMU before ipmitool returns.
    ASSERT_EQ(ipmitool(*bmc, {"power", "off"}).exit_code, 0);
    EXPECT_FALSE(bmc->power_on());
    EXPECT_FALSE(test::process_alive(first)) << "QEMU still runs after power off";
    EXPECT_NE(ipmitool(*bmc, {"power", "status"}).out.find("Chassis Power is off"), std::string::npos);

    // bootdev disk: SeaBIOS tries the (blank) disk before the network.
    ASSERT_EQ(ipmitool(*bmc, {"chassis", "bootdev", "disk"}).exit_code, 0);
    EXPECT_EQ(bmc->boot_device(), "default");
    std::size_t mark = console.size();
    ASSERT_EQ(ipmitool(*bmc, {"power", "on"}).exit_code, 0);
    ASSERT_NE(console.wait_for("INGOT-HARNESS-SCRIPT", 90s, mark), "") << console.tail();
    std::string boot = console.text(mark);
    EXPECT_NE(boot.find("power on, disk first"), std::string::npos) << boot;
    const auto disk_tried = boot.find("Boot failed: not a bootable disk");
    ASSERT_NE(disk_tried, std::string::npos) << boot;
    EXPECT_LT(disk_tried, boot.find("INGOT-HARNESS-SCRIPT")) << boot;

    // Reset: a new QEMU, booting again.
    const pid_t before_reset = bmc->machine_pid();
    mark = console.size();
    ASSERT_EQ(ipmitool(*bmc, {"power", "reset"}).exit_code, 0);
    EXPECT_TRUE(bmc->power_on());
    EXPECT_NE(bmc->machine_pid(), before_reset);
    EXPECT_FALSE(test::process_alive(before_reset));
    ASSERT_NE(console.wait_for("INGOT-HARNESS-SCRIPT", 90s, mark), "") << console.tail();

    // The calls ipmi_sim made, as the chassis saw them.
    auto calls = bmc->chassis_calls();
    EXPECT_NE(std::find(calls.begin(), calls.end(), "set reset 1"), calls.end());

    // Destroying the BMC (a test ending, passed or failed) kills the machine.
    const pid_t last = bmc->machine_pid();
    ASSERT_GT(last, 0);
    bmc.reset();
    EXPECT_FALSE(test::process_alive(last)) << "QEMU outlived its BMC";
}

class QemuVmFirmware : public QemuMachineHarness, public ::testing::WithParamInterface<bool> {};

TEST_P(QemuVmFirmware, BootsFromTheNetworkAndStops) {
    auto s = spec();
    s.dir = work_.path();
    s.no_reboot = true;
    s.uefi = GetParam();
    test::QemuVm vm(s, test::BootOrder::network_first);
    ASSERT_NE(vm.wait_for_console(std::regex("INGOT-HARNESS-SCRIPT ([0-9a-f:]+)"), 90s), "")
        << vm.console().tail() << "\nqemu: " << vm.qemu_log();
    EXPECT_TRUE(vm.running());
    const pid_t pid = vm.pid();
    vm.stop();
    EXPECT_FALSE(vm.running());
    EXPECT_FALSE(test::process_alive(pid));
}

INSTANTIATE_TEST_SUITE_P(Firmware, QemuVmFirmware, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                             return std::string(info.param ? "uefi" : "bios");
                         });

TEST(QemuArgv, BootOrderIsSetByBootindexAndUefiUsesOvmf) {
    test::QemuMachineSpec s{.dir = "/tmp/x", .disk = "/tmp/x/d.raw", .mac = kMac, .bootfile = "http://h/b"};
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& a : v) out += a + " ";
        return out;
    };
    const std::string net = join(test::qemu_argv(s, test::BootOrder::network_first));
    EXPECT_NE(net.find("virtio-net-pci,netdev=net0,mac=52:54:00:e2:e0:01,bootindex=1"), std::string::npos) << net;
    EXPECT_NE(net.find("virtio-blk-pci,drive=disk0,bootindex=2"), std::string::npos) << net;
    EXPECT_NE(net.find("-netdev user,id=net0,bootfile=http://h/b"), std::string::npos) << net;
    EXPECT_NE(net.find("-accel tcg -m 256"), std::string::npos) << net;
    EXPECT_EQ(net.find("-bios"), std::string::npos) << net;
    const std::string disk = join(test::qemu_argv(s, test::BootOrder::disk_first));
    EXPECT_NE(disk.find("virtio-blk-pci,drive=disk0,bootindex=1"), std::string::npos) << disk;
    s.uefi = true;
    const std::string uefi = join(test::bounded_qemu_argv(s, test::BootOrder::network_first));
    EXPECT_EQ(uefi.rfind("timeout --kill-after=5 600 setpriv --pdeathsig KILL qemu-system-x86_64 ", 0), 0u) << uefi;
    EXPECT_NE(uefi.find("-m 512"), std::string::npos) << uefi;
    EXPECT_NE(uefi.find("-bios /usr/share/ovmf/OVMF.fd"), std::string::npos) << uefi;
}

}  // namespace
