// Which block devices the running system uses, so that the agent never
// writes to them. Mount tables alone do not tell: a chroot's
// /proc/self/mountinfo leaves out the mount that holds its root (so the
// disk of the host's "/" looks free), and a container sees none of the
// host's mounts. So the sources are, each resolved through sysfs down to
// whole disks (and up to whatever is built on a busy disk):
//   - stat("/").st_dev: the device of the running system's root, whatever
//     the mount tables show;
//   - every mount visible in /proc/self/mountinfo (its device number, which
//     is what stat() gives for its files, and its /dev source);
//   - /proc/swaps;
//   - /sys/fs/{ext4,xfs,f2fs,erofs}/<dev> and /sys/fs/btrfs/*/devices/<dev>,
//     which the kernel keeps for every mounted filesystem of those types in
//     any mount namespace.
// A root that is not on a block device (the ramdisk's own rootfs, tmpfs,
// overlay, 9p, virtiofs: st_dev has major 0) protects no disk by itself;
// every device holding a filesystem or swap found above stays protected.
// When /proc or /sys cannot be read, nothing can be told: the agent
// refuses to write at all (ProtectedDeviceError).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ramdisk-agent/service/block_topology.h"

namespace ingot::agent::service {

// Block devices (kernel names: "sda", "sda2", "loop3", "dm-0") in use by
// the running system, each with why: "/ (the running system) is on sda2
// (device 8:2)", "swap is active on /dev/sdb1".
using BusyDevices = std::map<std::string, std::string>;

// What the kernel tells about use, as read by read_system_usage().
struct SystemUsage {
    std::string root_device;  // "MAJ:MIN" of stat("/").st_dev; "" when unknown
    std::string mountinfo;    // /proc/self/mountinfo
    std::string swaps;        // /proc/swaps
    // (kernel name, filesystem type) from /sys/fs.
    std::vector<std::pair<std::string, std::string>> mounted_filesystems;
};

// Reads the running system's; throws AgentError (ProtectedDeviceError)
// when /proc/self/mountinfo or `sys`/dev/block cannot be read.
SystemUsage read_system_usage(const std::string& sys = "/sys");

// Pure, for tests. Throws AgentError (ProtectedDeviceError) when "/" is on
// a block device number the topology does not know (it cannot tell which
// disk holds the running system).
BusyDevices find_busy_devices(const SystemUsage& usage, const BlockTopology& topology);

// find_busy_devices(read_system_usage(), sysfs_topology()).
BusyDevices busy_devices();

}  // namespace ingot::agent::service
