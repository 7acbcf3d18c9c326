// The agent's view of a machine for fuzz targets: canned devices (vda holds
// "/", sdb has /data mounted, sdc and loop0 are free) and runners that
// record commands instead of running them, so no input reaches a disk.
#pragma once

#include <string>
#include <vector>

#include "ramdisk-agent/service/disk_access.h"

namespace ingot::fuzz {

agent::service::DiskAccess fake_disk_access();

// The devices a plan may target: what candidates() finds eligible among
// the canned ones (checked once: never vda or sdb).
const std::vector<std::string>& eligible_devices();

// Whether every disk of `plan` is one of eligible_devices().
bool targets_only_eligible(const agent::plan::DeployPlan& plan);

}  // namespace ingot::fuzz
