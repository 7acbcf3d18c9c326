#include "ramdisk-agent/service/disk_access.h"

#include "common/log.h"

namespace ingot::agent::service {

Candidates candidates(const DiskAccess& access) {
    Candidates out;
    const BusyDevices busy = access.busy();
    for (auto& device : access.discover(discovery_options(access.policy))) {
        std::string why = ineligible_reason(device, access.kernel_name(device.name), access.policy, busy);
        if (why.empty()) {
            out.eligible.push_back(std::move(device));
        } else {
            log::info("agent.disk_not_eligible", {{"device", device.name}, {"reason", why}});
            out.refused.emplace_back(std::move(device), why);
        }
    }
    return out;
}

void check_before_writing(const DiskAccess& access, const std::string& device) {
    require_disk_writes(access.policy, access.pid);
    // Discovery drops the tree that mounts "/"; a device it does not list
    // at all is not written either.
    plan::DiscoveryOptions all = discovery_options(access.policy);
    all.include_loop = true;
    const plan::BlockDevice* found = nullptr;
    auto devices = access.discover(all);
    for (const auto& d : devices) {
        if (d.name == device) found = &d;
    }
    if (!found) {
        throw protected_device(
            "refusing to write to " + device +
            ": it is not among the devices discovery offers (the disk holding / never is" +
            std::string(access.policy.loop_devices_only ? ", nor is anything but a loop device" : "") + ")");
    }
    check_target(device, access.kernel_name(device), found->mountpoints, access.policy, access.busy());
}

}  // namespace ingot::agent::service
