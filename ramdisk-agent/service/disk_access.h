// How the deploy and clean commands reach the disks: discovery, the safety
// checks of disk_safety.h, the command runner and the plan executor, each
// replaceable so that unit tests run the commands against canned devices
// and a recording runner, touching nothing.
#pragma once

#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/http_client.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/execute.h"
#include "ramdisk-agent/plan/hints.h"
#include "ramdisk-agent/service/disk_safety.h"

namespace ingot::agent::service {

struct DiskAccess {
    DiskPolicy policy;
    pid_t pid = ::getpid();  // PID 1 means "the ramdisk's init"
    std::function<std::vector<plan::BlockDevice>(const plan::DiscoveryOptions&)> discover = [](const auto& o) {
        return plan::discover_devices(o);
    };
    std::function<BusyDevices()> busy = busy_devices;
    std::function<std::string(const std::string&)> kernel_name = service::kernel_name;
    // Commands that write (wipefs, dd, sgdisk, shred, the plan's actions).
    plan::CommandRunner runner = plan::process_runner();
    // shred over a whole disk: hours on a large one.
    plan::CommandRunner long_runner = [](const plan::Command& argv) {
        ProcessOptions options;
        options.timeout = std::chrono::hours(72);
        return run_process(argv, options);
    };
    // Read-only inspection (lsblk of one device).
    plan::CommandRunner inspect = [](const plan::Command& argv) { return run_process(argv); };
    std::function<plan::ExecuteResult(plan::DeployPlan&, const plan::ExecuteOptions&)> execute =
        [](plan::DeployPlan& p, const plan::ExecuteOptions& o) { return plan::execute_plan(p, o); };
    // Image downloads (ipa-insecure=1 on the kernel command line turns verification off).
    TlsVerification tls;
};

struct Candidates {
    std::vector<plan::BlockDevice> eligible;
    std::vector<std::pair<plan::BlockDevice, std::string>> refused;  // with why
};

// Discovers the devices (loop devices only under --loop-devices-only) and
// splits them into those the agent may write and those it never will,
// logging each refusal.
Candidates candidates(const DiskAccess& access);

// Re-checks `device` right before writing to it, against fresh mount and
// swap tables and a fresh lsblk view; throws AgentError
// (ProtectedDeviceError) when it must not be written.
void check_before_writing(const DiskAccess& access, const std::string& device);

}  // namespace ingot::agent::service
