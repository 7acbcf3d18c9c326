#include "ramdisk-agent/service/disk_safety.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "common/strings.h"

namespace ingot::agent::service {

namespace fs = std::filesystem;

namespace {

std::string dev_key(dev_t dev) {
    return std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
}

}  // namespace

AgentError protected_device(const std::string& details) {
    return AgentError("ProtectedDeviceError", 500, "Refusing to write to a protected device", details);
}

bool disk_writes_permitted(const DiskPolicy& policy, pid_t pid) {
    return pid == 1 || policy.allow_disk_writes || policy.loop_devices_only;
}

void require_disk_writes(const DiskPolicy& policy, pid_t pid) {
    if (!disk_writes_permitted(policy, pid)) throw protected_device(kDiskWritesRefused);
}

plan::DiscoveryOptions discovery_options(const DiskPolicy& policy) {
    plan::DiscoveryOptions o;
    o.include_loop = policy.loop_devices_only;
    o.only_loop = policy.loop_devices_only;
    return o;
}

std::string kernel_name(const std::string& device_path) {
    struct stat st {};
    if (::stat(device_path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return "";
    std::error_code ec;
    fs::path real = fs::canonical(fs::path("/sys/dev/block") / dev_key(st.st_rdev), ec);
    return ec ? "" : real.filename().string();
}

std::string ineligible_reason(const plan::BlockDevice& device, const std::string& kernel, const DiskPolicy& policy,
                              const BusyDevices& busy) {
    if (kernel.empty()) return device.name + " is not a block device";
    if (policy.loop_devices_only && !starts_with(kernel, "loop"))
        return device.name + " is not a loop device (--loop-devices-only)";
    if (!policy.only_devices.empty()) {
        bool listed = false;
        for (const auto& d : policy.only_devices) listed |= d == device.name || d == "/dev/" + kernel || d == kernel;
        if (!listed) return device.name + " is not one of the --device devices";
    }
    if (auto it = busy.find(kernel); it != busy.end())
        return device.name + " is in use by the running system (" + it->second + ")";
    if (!device.mountpoints.empty())
        return device.name + " has mounted filesystems or swap (" + join(device.mountpoints, ", ") + ")";
    return "";
}

void check_target(const std::string& device, const std::string& kernel, const std::vector<std::string>& mountpoints,
                  const DiskPolicy& policy, const BusyDevices& busy) {
    plan::BlockDevice d;
    d.name = device;
    d.mountpoints = mountpoints;
    std::string why = ineligible_reason(d, kernel, policy, busy);
    if (!why.empty()) throw protected_device("refusing to write to " + device + ": " + why);
}

}  // namespace ingot::agent::service
