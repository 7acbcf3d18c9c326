// What keeps ingot-agent from ever destroying a disk it must not touch.
// The agent is meant to run as the deploy ramdisk's init (PID 1); developers
// and tests run it on their own machine. So:
//   - writing or erasing is refused unless the agent is PID 1, or was started
//     with --allow-disk-writes, or with --loop-devices-only;
//   - with --loop-devices-only only loop devices are discovered, eligible and
//     accepted as targets;
//   - whatever the flags, a target is refused when it is the disk holding "/"
//     or has anything mounted (a filesystem, or active swap) on it or on one
//     of its partitions, checked against what the kernel tells
//     (busy_devices.h: stat("/"), /proc/self/mountinfo, /proc/swaps, /sys)
//     right before the first write, so that a mistaken root device hint can
//     never reach a host disk, not even from a chroot or a container.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ramdisk-agent/plan/hints.h"
#include "ramdisk-agent/service/busy_devices.h"
#include "ramdisk-agent/service/command_result.h"

namespace ingot::agent::service {

struct DiskPolicy {
    bool allow_disk_writes = false;  // --allow-disk-writes
    bool loop_devices_only = false;  // --loop-devices-only (also allows writes, to loop devices)
    // --device: when given, only these devices (/dev paths) are eligible; a
    // developer's narrowing (other loop devices on the machine stay untouched).
    std::vector<std::string> only_devices;
};

inline constexpr const char* kDiskWritesRefused =
    "ingot-agent is not the ramdisk's init (PID 1); it writes to disks only with --allow-disk-writes, or to loop "
    "devices with --loop-devices-only";

// PID 1, --allow-disk-writes or --loop-devices-only.
bool disk_writes_permitted(const DiskPolicy& policy, pid_t pid);
// Throws AgentError (ProtectedDeviceError, kDiskWritesRefused) unless permitted.
void require_disk_writes(const DiskPolicy& policy, pid_t pid);

// What device discovery may see under the policy: loop devices only with
// --loop-devices-only, real disks only otherwise.
plan::DiscoveryOptions discovery_options(const DiskPolicy& policy);

// The kernel name of a block device path ("/dev/loop3" -> "loop3",
// "/dev/disk/by-path/..." -> "sda"); empty when it is not a block device.
std::string kernel_name(const std::string& device_path);

// Throws AgentError (ProtectedDeviceError) when `device` (a /dev path) must
// not be written: it is in `busy` (mounted, swap, the disk of "/"), it has
// mount points according to discovery (`mountpoints`), it is not a loop
// device under --loop-devices-only, or it is not a block device at all.
void check_target(const std::string& device, const std::string& kernel, const std::vector<std::string>& mountpoints,
                  const DiskPolicy& policy, const BusyDevices& busy);

// Why a discovered device is not eligible for writing ("" when it is).
std::string ineligible_reason(const plan::BlockDevice& device, const std::string& kernel, const DiskPolicy& policy,
                              const BusyDevices& busy);

// The error every refusal above throws.
AgentError protected_device(const std::string& details);

}  // namespace ingot::agent::service
