// `ingot-agent disks`: every block device discovery offers and whether the
// agent would write to it, with why not, touching nothing. What an
// operator checks before trusting the agent with a machine (or a chroot or
// container on one), and what the chroot test runs.
#pragma once

#include <string>

#include "ramdisk-agent/service/disk_access.h"

namespace ingot::agent::service {

// One line per device: "DEVICE<TAB>eligible" or "DEVICE<TAB>refused<TAB>WHY",
// after a first line saying whether disk writes are permitted at all.
// Throws AgentError (ProtectedDeviceError) when the devices in use cannot
// be told (busy_devices.h), ingot::Error when discovery fails.
std::string disk_report(const DiskAccess& access);

}  // namespace ingot::agent::service
