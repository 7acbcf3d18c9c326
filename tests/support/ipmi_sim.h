// Test support: a real IPMI BMC, OpenIPMI's ipmi_sim, on 127.0.0.1 and a
// free UDP port, with a chassis that records power and boot device in files
// of its own temporary directory instead of driving a machine.
//
//   if (!test::IpmiSim::available()) GTEST_SKIP() << test::IpmiSim::kNotInstalled;
//   test::IpmiSim bmc;                       // answers `power status` when built
//   ... driver_info = bmc.driver_info() ...
//   EXPECT_TRUE(bmc.power_on());
//
// The simulator is stopped by its PID (SIGTERM, then SIGKILL) in the
// destructor, and dies with the test process (PR_SET_PDEATHSIG).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common/process.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

class IpmiSim {
public:
    static constexpr const char* kNotInstalled =
        "ipmi_sim (Debian package openipmi) or ipmitool is not installed: scripts/install-deps --test";
    // Whether ipmi_sim and ipmitool are on PATH.
    static bool available();

    explicit IpmiSim(std::string username = "admin", std::string password = "password");
    ~IpmiSim();
    IpmiSim(const IpmiSim&) = delete;
    IpmiSim& operator=(const IpmiSim&) = delete;

    std::string address() const { return "127.0.0.1"; }
    int port() const { return port_; }
    const std::string& username() const { return username_; }
    const std::string& password() const { return password_; }
    // ipmi_address, ipmi_port, ipmi_username, ipmi_password for a node.
    nlohmann::json driver_info() const;

    // The chassis as the BMC last set it.
    bool power_on() const;
    void set_power(bool on);  // as if someone pressed the button
    // The last boot device the BMC was told: "pxe", "cdrom", "bios", or
    // "default" for disk (ipmi_sim's name); empty before any.
    std::string boot_device() const;
    // Every chassis call ipmi_sim made, one per line: "set power 1",
    // "get power", "set boot pxe", "set shutdown 1", "set reset 1"...
    std::vector<std::string> chassis_calls() const;
    std::string log() const;  // ipmi_sim's own output
    pid_t pid() const { return child_ ? child_->pid() : -1; }

private:
    bool answers();
    std::string file(const std::string& name) const { return dir_.path() + "/" + name; }

    std::string username_;
    std::string password_;
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> child_;
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
