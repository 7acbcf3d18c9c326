// Checks that hold for every plan whatever built it: names are unique,
// references resolve, values are ones the actions know. Errors carry the
// path of the object in the plan, which for the native driver is the path
// in the input document (its lists map one to one onto the plan's).
#pragma once

#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan {

// Throws PlanError at the first problem.
void validate_plan(const DeployPlan& plan);

// Known values, shared by the drivers and the actions.
bool is_known_flag(const std::string& flag);
bool is_known_fs_type(const std::string& type);
// The longest label each filesystem accepts (ext4 16, xfs 12, vfat 11, swap 15).
size_t max_label_length(const std::string& fs_type);

}  // namespace ingot::agent::plan
