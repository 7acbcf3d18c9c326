// How the kernel stacks block devices, read from sysfs: partitions on whole
// disks, device-mapper (LVM, dm-crypt, multipath) and MD devices on their
// members (slaves/), and what is built on a device (partitions, holders/).
// sysfs is the kernel's own view: unlike the mount tables it looks the same
// from a chroot or another mount namespace.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace ingot::agent::service {

struct BlockTopology {
    // The kernel names `key` stands on, itself first: its whole disk when it
    // is a partition, and (recursively) the members of a device-mapper or
    // MD device, down to whole disks. `key` is a device number ("8:2"), a
    // /dev path or a kernel name ("sda2"); empty when it is no block device.
    std::function<std::vector<std::string>(const std::string& key)> below;
    // The kernel names built on `name`: its partitions and (recursively)
    // the devices holding them (holders/), up to the top of each stack.
    std::function<std::vector<std::string>(const std::string& name)> above;
};

// The topology under `sys` ("/sys"; tests pass a tree of their own).
BlockTopology sysfs_topology(const std::string& sys = "/sys");

}  // namespace ingot::agent::service
