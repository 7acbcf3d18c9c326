// Ironic's root device hints, and the block devices they choose from.
// Discovery reads `lsblk --json`; parsing is separate so that the matcher is
// tested on canned lsblk output, and it always drops the disk the running
// system lives on (the one holding "/"), so a plan can never select it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan {

struct BlockDevice {
    std::string name;  // "/dev/sda"
    std::uint64_t size_bytes = 0;
    std::string model, vendor, serial, wwn, wwn_with_extension, wwn_vendor_extension, hctl, by_path;
    bool rotational = false;
    std::string type;  // lsblk's TYPE: "disk" or "loop"
    // Every mount point in the device's tree (its partitions, and what is
    // stacked on them): "/boot", "[SWAP]". A device with any is never a
    // target for writing (see ramdisk-agent/service/disk_safety.h).
    std::vector<std::string> mountpoints;
};

// The columns parse_lsblk() expects; discover_devices() asks for exactly these.
inline constexpr const char* kLsblkColumns = "NAME,PATH,TYPE,SIZE,MODEL,VENDOR,SERIAL,WWN,ROTA,HCTL,MOUNTPOINT";

struct DiscoveryOptions {
    // Loop devices are no install target on a real machine; tests opt in.
    bool include_loop = false;
    // Loop devices only (--loop-devices-only, for tests and developers):
    // every other device is dropped, so no hint can reach a real disk.
    bool only_loop = false;
};

// Top-level disks from `lsblk --json --bytes -o kLsblkColumns` output
// (nested children included), minus any whose tree mounts "/".
std::vector<BlockDevice> parse_lsblk(const std::string& json_text, const DiscoveryOptions& options = {});
// Runs lsblk (read-only) and parses it.
std::vector<BlockDevice> discover_devices(const DiscoveryOptions& options = {});

// Throws PlanError naming `path` + ".<hint>" for an unknown hint, a bad
// operator or a value of the wrong type.
void validate_hints(const nlohmann::json& hints, const std::string& path);
bool matches_hints(const BlockDevice& device, const nlohmann::json& hints);
// With hints: the first device (lsblk order) that matches them all. Without:
// the smallest device of at least 4 GiB, as ironic-python-agent picks.
std::optional<BlockDevice> select_device(const std::vector<BlockDevice>& devices, const nlohmann::json& hints);

// Gives each plan disk a distinct device and its size; throws PlanError
// ("disks[1].hints: no disk matches ...") when one cannot be found.
void resolve_disks(DeployPlan& plan, const std::vector<BlockDevice>& devices);

}  // namespace ingot::agent::plan
