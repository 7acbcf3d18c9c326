// The objects the agent understands (Bareon's data-driven model): a deploy
// plan is disks with partition tables, RAID arrays, LVM, filesystems, images,
// a config drive and a bootloader. Input-data drivers build a plan from a
// payload; actions read it. Nothing here touches a device.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ingot::agent::plan {

// A size as a scheme writes it: MiB, a percentage of its container (disk or
// volume group), or whatever the container has left.
struct Size {
    enum class Kind { mib, percent, remaining };
    Kind kind = Kind::mib;
    std::uint64_t value = 0;  // MiB or percent; unused for remaining

    static Size mib(std::uint64_t v) { return {Kind::mib, v}; }
    static Size percent(std::uint64_t v) { return {Kind::percent, v}; }
    static Size remaining() { return {Kind::remaining, 0}; }
    // Accepts a JSON number (MiB) or "512", "512MiB", "2GiB", "1TiB", "10%",
    // "remaining". Returns nullopt for anything else.
    static std::optional<Size> parse(const nlohmann::json& value);
    std::string to_string() const;
    bool operator==(const Size&) const = default;
};

enum class LabelType { gpt, msdos };

struct Partition {
    int number = 0;  // 1-based position in the table, assigned by the driver
    Size size;
    // GPT partition name; also how other objects (raid members, PVs,
    // filesystems, images) refer to this partition. May be empty.
    std::string name;
    std::string type;                // GPT type code ("EF00") or GUID; empty: derived from flags
    std::vector<std::string> flags;  // bios_grub, esp, boot, raid, lvm
};

struct Disk {
    std::string id;  // how the scheme refers to the disk ("disk0")
    // Ironic root device hints ({"size": ">= 100", "rotational": false, ...});
    // empty: the smallest eligible disk.
    nlohmann::json hints = nlohmann::json::object();
    LabelType label = LabelType::gpt;
    std::vector<Partition> partitions;  // empty: the disk is left as is (whole-disk images)

    // Filled by resolve_disks() from device discovery.
    std::string device;  // "/dev/sda"
    std::uint64_t size_mib = 0;
};

struct RaidArray {
    std::string name;  // created as /dev/md/<name>
    int level = 1;
    std::vector<std::string> members;  // references (partition names, disk ids)
};

struct VolumeGroup {
    std::string name;
    std::vector<std::string> pvs;  // references to the devices it spans
};

struct LogicalVolume {
    std::string name;
    std::string vg;
    Size size;  // percent and remaining are of the volume group
};

struct Lvm {
    std::vector<std::string> pvs;  // every device that gets pvcreate, in order
    std::vector<VolumeGroup> vgs;
    std::vector<LogicalVolume> lvs;
};

struct Filesystem {
    std::string device;  // reference: partition name, md name, "vg/lv" or disk id
    std::string type;    // ext4, xfs, vfat, swap
    std::string label;
    std::string mount_point;  // for the bootloader and fstab; never mounted by partitioning
    std::string options;      // mount options
};

struct Image {
    std::string url;
    std::string checksum;
    std::string checksum_algo = "sha256";  // md5, sha256, sha512
    std::string target;                    // reference: disk id (whole disk) or a partition/LV/md
    std::string format = "raw";            // raw, qcow2, tar
};

struct ConfigDrive {
    // Either an ISO9660 image as Ironic ships it (gzip then base64)...
    std::string gzip_base64;
    // ...or the parts to build one from.
    nlohmann::json meta_data;
    std::string user_data;
    nlohmann::json network_data;
    // Written as vendor_data2.json, as openstacksdk's configdrive builder
    // (which Ironic's build_configdrive uses) does; null: none.
    nlohmann::json vendor_data;
    bool is_prebuilt() const { return !gzip_base64.empty(); }
};

struct Bootloader {
    enum class Kind { none, grub };
    Kind kind = Kind::none;
    bool uefi = false;
    std::string disk;  // disk id grub goes on (BIOS); default: the first disk
    std::string root;  // reference to the root filesystem/partition
};

inline constexpr const char* kConfigDriveName = "config-2";
inline constexpr std::uint64_t kConfigDriveMiB = 64;  // Ironic's maximum config drive size

struct DeployPlan {
    std::vector<Disk> disks;
    std::vector<RaidArray> raids;
    Lvm lvm;
    std::vector<Filesystem> filesystems;
    std::vector<Image> images;
    std::optional<ConfigDrive> configdrive;
    Bootloader bootloader;
    // Where actions stage files (the config drive ISO); never on a plan disk.
    std::string work_dir = "/tmp/ingot-agent";
};

}  // namespace ingot::agent::plan
