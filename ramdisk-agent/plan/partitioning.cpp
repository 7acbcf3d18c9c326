// The partitioning action: partition tables (sgdisk for GPT, parted for
// msdos), then MD RAID, LVM and filesystems, in that order because each
// layer is built on the devices the previous one made.
#include "ramdisk-agent/plan/partitioning.h"

#include <algorithm>

#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"
#include "ramdisk-agent/plan/validate.h"

namespace ingot::agent::plan {

namespace {

bool has(const Partition& p, const char* flag) {
    return std::find(p.flags.begin(), p.flags.end(), flag) != p.flags.end();
}

const Filesystem* filesystem_on(const DeployPlan& plan, const std::string& ref) {
    if (ref.empty()) return nullptr;
    for (const auto& fs : plan.filesystems) {
        if (fs.device == ref) return &fs;
    }
    return nullptr;
}

// sgdisk type code: explicit, else what the flags or filesystem say.
std::string gpt_type(const DeployPlan& plan, const Partition& p) {
    if (!p.type.empty()) return p.type;
    if (has(p, "bios_grub")) return "EF02";
    if (has(p, "esp")) return "EF00";
    if (has(p, "raid")) return "FD00";
    if (has(p, "lvm")) return "8E00";
    if (auto fs = filesystem_on(plan, p.name); fs && fs->type == "swap") return "8200";
    return "8300";
}

// parted's fs-type argument sets the msdos partition id (82 swap, 0c FAT).
std::string parted_fs_type(const DeployPlan& plan, const Partition& p) {
    auto fs = filesystem_on(plan, p.name);
    if (!fs) return "";
    if (fs->type == "swap") return "linux-swap";
    if (fs->type == "vfat") return "fat32";
    return fs->type;
}

bool last_takes_rest(const Disk& disk) {
    return !disk.partitions.empty() && disk.partitions.back().size.kind == Size::Kind::remaining;
}

void gpt_commands(const DeployPlan& plan, const Disk& disk, const std::vector<std::uint64_t>& sizes,
                  std::vector<Command>& out) {
    out.push_back({"sgdisk", "-o", disk.device});
    for (size_t i = 0; i < disk.partitions.size(); ++i) {
        const auto& p = disk.partitions[i];
        std::string n = std::to_string(p.number);
        // "0" start is the next aligned free sector; a last "remaining"
        // partition ends where the disk does.
        bool rest = i + 1 == disk.partitions.size() && last_takes_rest(disk);
        Command c = {"sgdisk", "-n", n + ":0:" + (rest ? "0" : "+" + std::to_string(sizes[i]) + "M"), "-t",
                     n + ":" + gpt_type(plan, p)};
        if (!p.name.empty()) c.insert(c.end(), {"-c", n + ":" + p.name});
        if (has(p, "boot")) c.insert(c.end(), {"-A", n + ":set:2"});  // legacy BIOS bootable
        c.push_back(disk.device);
        out.push_back(std::move(c));
    }
}

void msdos_commands(const DeployPlan& plan, const Disk& disk, const std::vector<std::uint64_t>& sizes,
                    std::vector<Command>& out) {
    out.push_back({"parted", "-s", disk.device, "mklabel", "msdos"});
    std::uint64_t start = 1;
    for (size_t i = 0; i < disk.partitions.size(); ++i) {
        const auto& p = disk.partitions[i];
        bool rest = i + 1 == disk.partitions.size() && last_takes_rest(disk);
        std::uint64_t end = start + sizes[i];
        Command c = {"parted", "-s", "-a", "optimal", disk.device, "unit", "MiB", "mkpart", "primary"};
        if (auto t = parted_fs_type(plan, p); !t.empty()) c.push_back(t);
        c.push_back(std::to_string(start));
        c.push_back(rest ? "100%" : std::to_string(end));
        out.push_back(std::move(c));
        for (const char* flag : {"boot", "esp", "raid", "lvm"}) {
            if (has(p, flag)) out.push_back({"parted", "-s", disk.device, "set", std::to_string(p.number), flag, "on"});
        }
        start = end;
    }
}

void lv_size_option(const Size& s, std::vector<std::string>& c) {
    switch (s.kind) {
        case Size::Kind::mib:
            c.insert(c.end(), {"-L", std::to_string(s.value) + "M"});
            break;
        case Size::Kind::percent:
            c.insert(c.end(), {"-l", std::to_string(s.value) + "%VG"});
            break;
        case Size::Kind::remaining:
            c.insert(c.end(), {"-l", "100%FREE"});
            break;
    }
}

Command mkfs_command(const DeployPlan& plan, const Filesystem& fs) {
    std::string dev = device_path(plan, fs.device);
    if (fs.type == "swap") return fs.label.empty() ? Command{"mkswap", dev} : Command{"mkswap", "-L", fs.label, dev};
    Command c;
    if (fs.type == "ext4")
        c = {"mkfs.ext4", "-F", "-q"};
    else if (fs.type == "xfs")
        c = {"mkfs.xfs", "-f", "-q"};
    else
        c = {"mkfs.vfat"};
    if (!fs.label.empty()) c.insert(c.end(), {fs.type == "vfat" ? "-n" : "-L", fs.label});
    c.push_back(dev);
    return c;
}

class PartitioningAction : public Action {
public:
    void validate(DeployPlan& plan) const override {
        reserve_config_drive(plan);
        validate_plan(plan);
        for (size_t i = 0; i < plan.disks.size(); ++i) {
            const auto& disk = plan.disks[i];
            std::string path = "disks[" + std::to_string(i) + "]";
            if (disk.device.empty()) throw PlanError(path, "no device chosen yet (resolve_disks runs first)");
            if (!disk.partitions.empty()) partition_sizes_mib(disk, path);
        }
    }

    std::vector<Command> commands(const DeployPlan& plan) const override {
        std::vector<Command> out;
        for (size_t i = 0; i < plan.disks.size(); ++i) {
            const auto& disk = plan.disks[i];
            if (disk.partitions.empty()) continue;  // a whole-disk image brings its own table
            auto sizes = partition_sizes_mib(disk, "disks[" + std::to_string(i) + "]");
            out.push_back({"wipefs", "-a", disk.device});
            if (disk.label == LabelType::gpt)
                gpt_commands(plan, disk, sizes, out);
            else
                msdos_commands(plan, disk, sizes, out);
            // Ask the kernel to read the new table, and wait for the nodes.
            out.push_back({"partprobe", disk.device});
            out.push_back({"udevadm", "settle"});
            // A new partition where an old one was may still carry its RAID,
            // LVM or filesystem signature, which mdadm and pvcreate would trip on.
            for (const auto& p : disk.partitions)
                out.push_back({"wipefs", "-a", partition_path(disk.device, p.number)});
        }
        for (const auto& raid : plan.raids) {
            Command c = {"mdadm",
                         "--create",
                         "/dev/md/" + raid.name,
                         "--run",
                         "--metadata=1.2",
                         "--level=" + std::to_string(raid.level),
                         "--raid-devices=" + std::to_string(raid.members.size())};
            for (const auto& m : raid.members) c.push_back(device_path(plan, m));
            out.push_back(std::move(c));
        }
        if (!plan.raids.empty()) out.push_back({"udevadm", "settle"});
        for (const auto& pv : plan.lvm.pvs) out.push_back({"pvcreate", "-ff", "-y", device_path(plan, pv)});
        for (const auto& vg : plan.lvm.vgs) {
            Command c = {"vgcreate", vg.name};
            for (const auto& pv : vg.pvs) c.push_back(device_path(plan, pv));
            out.push_back(std::move(c));
        }
        for (const auto& lv : plan.lvm.lvs) {
            Command c = {"lvcreate", "-y", "-n", lv.name};
            lv_size_option(lv.size, c);
            c.push_back(lv.vg);
            out.push_back(std::move(c));
        }
        for (const auto& fs : plan.filesystems) out.push_back(mkfs_command(plan, fs));
        return out;
    }
};

}  // namespace

std::vector<std::uint64_t> partition_sizes_mib(const Disk& disk, const std::string& path) {
    std::vector<std::uint64_t> sizes(disk.partitions.size(), 0);
    std::uint64_t usable = disk.size_mib > kReservedMiB ? disk.size_mib - kReservedMiB : 0;
    std::uint64_t used = 0;
    int rest = -1;
    for (size_t i = 0; i < disk.partitions.size(); ++i) {
        const Size& s = disk.partitions[i].size;
        if (s.kind == Size::Kind::remaining) {
            rest = int(i);
            continue;
        }
        if (s.kind == Size::Kind::percent && disk.size_mib == 0) {
            throw PlanError(path + ".partitions[" + std::to_string(i) + "].size", "a percentage needs the disk's size");
        }
        sizes[i] = s.kind == Size::Kind::mib ? s.value : usable * s.value / 100;
        used += sizes[i];
    }
    std::string where = disk.device.empty() ? disk.id : disk.device;
    if (disk.size_mib && used > usable) {
        throw PlanError(path + ".partitions", std::to_string(used) + " MiB of partitions do not fit " + where + " (" +
                                                  std::to_string(usable) + " MiB usable)");
    }
    if (rest >= 0) {
        if (disk.size_mib == 0)
            throw PlanError(path + ".partitions[" + std::to_string(rest) + "].size",
                            "\"remaining\" needs the disk's size");
        if (usable - used < 1) {
            throw PlanError(path + ".partitions[" + std::to_string(rest) + "].size", "nothing remains on " + where);
        }
        sizes[size_t(rest)] = usable - used;
    }
    return sizes;
}

void reserve_config_drive(DeployPlan& plan) {
    if (!plan.configdrive) return;
    for (const auto& disk : plan.disks) {
        for (const auto& p : disk.partitions) {
            if (p.name == kConfigDriveName) return;
        }
    }
    for (auto& disk : plan.disks) {
        if (disk.partitions.empty()) continue;
        disk.partitions.push_back(
            {int(disk.partitions.size()) + 1, Size::mib(kConfigDriveMiB), kConfigDriveName, "", {}});
        return;
    }
}

std::unique_ptr<Action> make_partitioning_action() {
    return std::make_unique<PartitioningAction>();
}

}  // namespace ingot::agent::plan
