// The partitioning action's building blocks, public so that tests and plan
// mode can check the arithmetic on their own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan {

// 1 MiB at the start (alignment, the primary GPT) and 1 MiB at the end (the
// backup GPT) are never given to partitions.
inline constexpr std::uint64_t kReservedMiB = 2;

// Each partition's size in MiB once percentages and "remaining" are worked
// out against the disk's size. Throws PlanError (path `path`.partitions) if
// they do not fit.
std::vector<std::uint64_t> partition_sizes_mib(const Disk& disk, const std::string& path);

// A queued config drive needs a config-2 partition: when the plan
// partitions a disk and has none, one of 64 MiB is added at the end of the
// first partitioned disk. Whole-disk plans get theirs after the image.
void reserve_config_drive(DeployPlan& plan);

}  // namespace ingot::agent::plan
