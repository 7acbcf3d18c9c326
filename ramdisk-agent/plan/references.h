// How objects name each other. A reference is a partition name, a RAID
// array name, "vg/lv", or a disk id; this turns one into the block device
// path it will have once partitioning has run.
#pragma once

#include <optional>
#include <string>

#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan {

// "/dev/sda" + 2 -> "/dev/sda2"; "/dev/nvme0n1" or "/dev/loop3" + 2 ->
// "...p2" (the kernel inserts 'p' when the disk name ends in a digit).
std::string partition_path(const std::string& disk_device, int number);

struct Referent {
    enum class Kind { disk, partition, raid, lv };
    Kind kind;
    const Disk* disk = nullptr;            // disk, partition
    const Partition* partition = nullptr;  // partition
    const RaidArray* raid = nullptr;
    const LogicalVolume* lv = nullptr;
};

std::optional<Referent> find_referent(const DeployPlan& plan, const std::string& ref);
// The device path; throws PlanError (with `path`) when nothing has that name.
std::string device_path(const DeployPlan& plan, const std::string& ref, const std::string& path = "");

}  // namespace ingot::agent::plan
