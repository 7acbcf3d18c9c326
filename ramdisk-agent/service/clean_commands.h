// clean.execute_clean_step, as ironic-python-agent's generic hardware manager:
//   {"step": {"step": "erase_devices_metadata" | "erase_devices", "interface": "deploy", ...},
//    "node": {...}, "ports": [...]}
//   -> {"clean_result": ..., "clean_step": <the step>}
// on every eligible disk (disk_safety.h: never the disk holding "/", never a
// device with anything mounted, only loop devices under --loop-devices-only).
//
// erase_devices_metadata (ironic-lib's destroy_disk_metadata), per disk, in
// this order:
//   1. wipefs --force --all PARTITION   for each partition, the highest first
//      (its signatures go before the table that locates it)
//   2. wipefs --force --all DISK
//   3. dd if=/dev/zero of=DISK bs=SECTOR count=1MiB/SECTOR oflag=direct
//      (the MBR, the primary GPT and whatever follows in the first MiB)
//   4. dd ... seek=(SIZE-1MiB)/SECTOR    (the last MiB: the backup GPT)
//   5. sgdisk -Z DISK                    (whatever GPT/MBR sgdisk still sees)
//   Result: null. A failing disk does not stop the others; the step fails
//   at the end naming each (IPA's BlockDeviceEraseError).
//
// erase_devices: IPA's shred fallback with its defaults (no ATA/NVMe secure
// erase): `shred --force --zero --verbose --iterations 1 DISK`, i.e. one
// random pass then zeros; node.driver_internal_info's
// agent_erase_devices_iterations and agent_erase_devices_zeroize change it.
// Result: {"/dev/sdX": null, ...} as IPA's erase_results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/service/command_registry.h"
#include "ramdisk-agent/service/disk_access.h"

namespace ingot::agent::service {

struct EraseTarget {
    std::string device;  // "/dev/sdb"
    std::uint64_t size_bytes = 0;
    std::uint64_t sector_size = 512;      // logical
    std::vector<std::string> partitions;  // "/dev/sdb1", ... in table order
};

// From `lsblk --json --bytes -o PATH,NAME,TYPE,SIZE,LOG-SEC DEVICE`.
EraseTarget parse_erase_target(const std::string& device, const std::string& lsblk_json);

std::vector<plan::Command> erase_metadata_commands(const EraseTarget& target);
std::vector<plan::Command> erase_device_commands(const std::string& device, int iterations, bool zeroize);

json execute_clean_step(const DiskAccess& access, const json& params);

void add_clean_commands(CommandRegistry& registry, const DiskAccess& access);

}  // namespace ingot::agent::service
