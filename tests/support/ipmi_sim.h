// Test support: a real IPMI BMC, OpenIPMI's ipmi_sim, on 127.0.0.1 and a
// free UDP port. Its chassis either records power and boot device in files
// of its own temporary directory (no machine), or drives a QEMU machine:
//
//   if (!test::IpmiSim::available()) GTEST_SKIP() << test::IpmiSim::kNotInstalled;
//   test::IpmiSim bmc;                       // answers `power status` when built
//   ... driver_info = bmc.driver_info() ...
//   EXPECT_TRUE(bmc.power_on());
//
//   test::IpmiSim machine_bmc(test::QemuMachineSpec{...});  // a machine behind it
//   // `power on` starts QEMU, network first after `chassis bootdev pxe`,
//   // disk first after `chassis bootdev disk`; `power off` kills it.
//   machine_bmc.console().wait_for("login:", 60s);
//
// With a machine, ipmi_sim's chassis_control script (a bash script: that is
// what ipmi_sim runs, synchronously, for each chassis request) starts QEMU
// detached (setsid, in a session of its own, under `timeout` as in
// qemu_vm.h) and records its PID; the QEMU command lines come from files the
// constructor writes, one per boot order. The simulator is stopped by its
// PID (SIGTERM, then SIGKILL) in the destructor, and dies with the test
// process (PR_SET_PDEATHSIG); the destructor then kills the machine's
// process group by its recorded PID. A detached QEMU does not die with the
// test, so a test killed outright leaves it to a watchdog the script starts
// with it (it kills the machine within a second of the test process' death)
// and, as the last resort, to its `timeout` wall-clock limit.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/qemu_vm.h"

namespace ingot::test {

class IpmiSim {
public:
    static constexpr const char* kNotInstalled =
        "ipmi_sim (Debian package openipmi) or ipmitool is not installed: scripts/install-deps --test";
    // Whether ipmi_sim and ipmitool are on PATH.
    static bool available();

    explicit IpmiSim(std::string username = "admin", std::string password = "password");
    // A chassis driving the QEMU machine `machine` (its dir defaults to the
    // simulator's own). The machine is off until the BMC powers it on; its
    // first boot device is `pxe` (network first).
    explicit IpmiSim(QemuMachineSpec machine, std::string username = "admin", std::string password = "password");
    ~IpmiSim();
    IpmiSim(const IpmiSim&) = delete;
    IpmiSim& operator=(const IpmiSim&) = delete;

    std::string address() const { return "127.0.0.1"; }
    int port() const { return port_; }
    const std::string& username() const { return username_; }
    const std::string& password() const { return password_; }
    // ipmi_address, ipmi_port, ipmi_username, ipmi_password for a node.
    nlohmann::json driver_info() const;

    // The chassis as the BMC last set it; with a machine, whether QEMU runs.
    bool power_on() const;
    // As if someone pressed the button; with a machine, starts or kills QEMU.
    void set_power(bool on);
    // The last boot device the BMC was told: "pxe", "cdrom", "bios", or
    // "default" for disk (ipmi_sim's name); empty before any.
    std::string boot_device() const;
    // Every chassis call ipmi_sim made, one per line: "set power 1",
    // "get power", "set boot pxe", "set shutdown 1", "set reset 1"...
    std::vector<std::string> chassis_calls() const;
    std::string log() const;  // ipmi_sim's own output
    pid_t pid() const { return child_ ? child_->pid() : -1; }

    // With a machine: its spec, its serial console (every power-on appends,
    // after a "[ingot-test bmc] HH:MM:SS.mmm power on, network|disk first"
    // line), QEMU's own output, and the PID of its process group leader
    // (the `timeout` wrapper; -1 when it is off).
    bool has_machine() const { return machine_.has_value(); }
    const QemuMachineSpec& machine() const { return *machine_; }
    ConsoleLog console() const { return ConsoleLog(machine_->console_path()); }
    std::string machine_log() const;
    pid_t machine_pid() const;

private:
    void start(const std::string& chassis_script);
    void write_machine_files();
    std::string chassis(const std::vector<std::string>& args) const;  // the script, not logged as a call
    void kill_machine();
    bool answers();
    std::string file(const std::string& name) const { return dir_.path() + "/" + name; }

    std::string username_;
    std::string password_;
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> child_;
    std::optional<QemuMachineSpec> machine_;
};

// A free UDP port on 127.0.0.1 (bound and released).
int free_udp_port();

// A UDP socket bound on 127.0.0.1 that never reads: a BMC that hangs.
class SilentUdpPort {
public:
    SilentUdpPort();
    ~SilentUdpPort();
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace ingot::test
