#include "ramdisk-agent/plan/validate.h"

#include <algorithm>
#include <map>
#include <set>

#include "ramdisk-agent/plan/hints.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::plan {

namespace {

std::string at(const std::string& base, size_t i) {
    return base + "[" + std::to_string(i) + "]";
}

// Every object that can be referred to shares one name space, so that a
// reference can never be ambiguous.
void claim(std::map<std::string, std::string>& names, const std::string& name, const std::string& path) {
    if (name.empty()) return;
    auto [it, fresh] = names.emplace(name, path);
    if (!fresh) throw PlanError(path, "name \"" + name + "\" is already used by " + it->second);
}

void require_ref(const DeployPlan& plan, const std::string& ref, const std::string& path,
                 std::initializer_list<Referent::Kind> allowed, const char* what) {
    auto r = find_referent(plan, ref);
    if (!r) throw PlanError(path, "\"" + ref + "\" names no disk, partition, RAID array or logical volume");
    if (std::find(allowed.begin(), allowed.end(), r->kind) == allowed.end()) {
        throw PlanError(path, "\"" + ref + "\" cannot be " + what);
    }
}

size_t min_members(int level) {
    switch (level) {
        case 0:
        case 1:
            return 2;
        case 4:
        case 5:
            return 3;
        case 6:
        case 10:
            return 4;
        default:
            return 0;
    }
}

void validate_disks(const DeployPlan& plan, std::map<std::string, std::string>& names) {
    for (size_t i = 0; i < plan.disks.size(); ++i) {
        const auto& disk = plan.disks[i];
        std::string dpath = at("disks", i);
        if (disk.id.empty()) throw PlanError(dpath + ".id", "is required");
        claim(names, disk.id, dpath + ".id");
        validate_hints(disk.hints, dpath + ".hints");
        if (disk.label == LabelType::msdos && disk.partitions.size() > 4) {
            throw PlanError(dpath + ".partitions", "an msdos label holds at most 4 (primary) partitions");
        }
        if (disk.partitions.size() > 128) throw PlanError(dpath + ".partitions", "GPT holds at most 128 partitions");
        int remaining = 0;
        std::uint64_t percent = 0;
        for (size_t j = 0; j < disk.partitions.size(); ++j) {
            const auto& part = disk.partitions[j];
            std::string ppath = at(dpath + ".partitions", j);
            claim(names, part.name, ppath + ".name");
            if (part.size.kind == Size::Kind::remaining && ++remaining > 1) {
                throw PlanError(ppath + ".size", "only one partition per disk can take the remaining space");
            }
            if (part.size.kind == Size::Kind::percent) percent += part.size.value;
            if (percent > 100) throw PlanError(ppath + ".size", "percentages on this disk add up to more than 100%");
            for (size_t k = 0; k < part.flags.size(); ++k) {
                const auto& flag = part.flags[k];
                if (!is_known_flag(flag)) {
                    throw PlanError(at(ppath + ".flags", k),
                                    "\"" + flag + "\" is not a flag (bios_grub, esp, boot, raid, lvm)");
                }
                if (flag == "bios_grub" && disk.label == LabelType::msdos) {
                    throw PlanError(at(ppath + ".flags", k), "bios_grub needs a gpt label");
                }
            }
        }
    }
}

void validate_raid_and_lvm(const DeployPlan& plan, std::map<std::string, std::string>& names) {
    using K = Referent::Kind;
    for (size_t i = 0; i < plan.raids.size(); ++i) {
        const auto& raid = plan.raids[i];
        std::string rpath = at("raid", i);
        if (raid.name.empty()) throw PlanError(rpath + ".name", "is required");
        claim(names, raid.name, rpath + ".name");
        if (min_members(raid.level) == 0) {
            throw PlanError(rpath + ".level", std::to_string(raid.level) + " is not a RAID level (0, 1, 4, 5, 6, 10)");
        }
        if (raid.members.size() < min_members(raid.level)) {
            throw PlanError(rpath + ".members", "RAID" + std::to_string(raid.level) + " needs at least " +
                                                    std::to_string(min_members(raid.level)) + " members");
        }
        for (size_t j = 0; j < raid.members.size(); ++j) {
            require_ref(plan, raid.members[j], at(rpath + ".members", j), {K::disk, K::partition}, "a RAID member");
        }
    }
    for (size_t i = 0; i < plan.lvm.pvs.size(); ++i) {
        require_ref(plan, plan.lvm.pvs[i], at("lvm.pvs", i), {K::disk, K::partition, K::raid}, "an LVM PV");
    }
    std::set<std::string> vgs;
    for (size_t i = 0; i < plan.lvm.vgs.size(); ++i) {
        const auto& vg = plan.lvm.vgs[i];
        std::string vpath = at("lvm.vgs", i);
        if (vg.name.empty()) throw PlanError(vpath + ".name", "is required");
        if (!vgs.insert(vg.name).second) throw PlanError(vpath + ".name", "volume group \"" + vg.name + "\" twice");
        if (vg.pvs.empty()) throw PlanError(vpath + ".pvs", "a volume group needs at least one PV");
        for (size_t j = 0; j < vg.pvs.size(); ++j) {
            if (std::find(plan.lvm.pvs.begin(), plan.lvm.pvs.end(), vg.pvs[j]) == plan.lvm.pvs.end()) {
                throw PlanError(at(vpath + ".pvs", j), "\"" + vg.pvs[j] + "\" is not in lvm.pvs");
            }
        }
    }
    std::map<std::string, bool> remaining_seen;
    std::map<std::string, std::uint64_t> percent;
    for (size_t i = 0; i < plan.lvm.lvs.size(); ++i) {
        const auto& lv = plan.lvm.lvs[i];
        std::string lpath = at("lvm.lvs", i);
        if (lv.name.empty()) throw PlanError(lpath + ".name", "is required");
        if (!vgs.count(lv.vg)) throw PlanError(lpath + ".vg", "\"" + lv.vg + "\" is not a volume group in lvm.vgs");
        claim(names, lv.vg + "/" + lv.name, lpath + ".name");
        if (remaining_seen[lv.vg]) {
            throw PlanError(lpath, "comes after a logical volume taking the remaining space of \"" + lv.vg + "\"");
        }
        if (lv.size.kind == Size::Kind::remaining) remaining_seen[lv.vg] = true;
        if (lv.size.kind == Size::Kind::percent && (percent[lv.vg] += lv.size.value) > 100) {
            throw PlanError(lpath + ".size", "percentages of \"" + lv.vg + "\" add up to more than 100%");
        }
    }
}

void validate_rest(const DeployPlan& plan) {
    using K = Referent::Kind;
    std::set<std::string> formatted;
    for (size_t i = 0; i < plan.filesystems.size(); ++i) {
        const auto& fs = plan.filesystems[i];
        std::string fpath = at("filesystems", i);
        require_ref(plan, fs.device, fpath + ".device", {K::disk, K::partition, K::raid, K::lv}, "formatted");
        if (!formatted.insert(fs.device).second) {
            throw PlanError(fpath + ".device", "\"" + fs.device + "\" already has a filesystem");
        }
        if (!is_known_fs_type(fs.type)) {
            throw PlanError(fpath + ".type", "\"" + fs.type + "\" is not a filesystem type (ext4, xfs, vfat, swap)");
        }
        if (fs.label.size() > max_label_length(fs.type)) {
            throw PlanError(fpath + ".label", "\"" + fs.label + "\" is longer than " + fs.type + " allows (" +
                                                  std::to_string(max_label_length(fs.type)) + ")");
        }
    }
    for (size_t i = 0; i < plan.images.size(); ++i) {
        const auto& image = plan.images[i];
        std::string ipath = at("images", i);
        if (image.url.empty()) throw PlanError(ipath + ".url", "is required");
        if (image.format != "raw" && image.format != "qcow2" && image.format != "tar") {
            throw PlanError(ipath + ".format", "\"" + image.format + "\" is not an image format (raw, qcow2, tar)");
        }
        if (image.checksum_algo != "md5" && image.checksum_algo != "sha256" && image.checksum_algo != "sha512") {
            throw PlanError(ipath + ".checksum_algo",
                            "\"" + image.checksum_algo + "\" is not a checksum algorithm (md5, sha256, sha512)");
        }
        require_ref(plan, image.target, ipath + ".target", {K::disk, K::partition, K::raid, K::lv}, "an image target");
        if (image.format == "tar" && !formatted.count(image.target)) {
            throw PlanError(ipath + ".target", "a tar image needs a filesystem on \"" + image.target + "\"");
        }
    }
    if (plan.bootloader.kind == Bootloader::Kind::grub) {
        if (plan.disks.empty()) throw PlanError("bootloader", "grub needs a disk");
        if (!plan.bootloader.disk.empty())
            require_ref(plan, plan.bootloader.disk, "bootloader.disk", {K::disk}, "a boot disk");
        require_ref(plan, plan.bootloader.root, "bootloader.root", {K::partition, K::raid, K::lv}, "a root filesystem");
    }
}

}  // namespace

bool is_known_flag(const std::string& flag) {
    return flag == "bios_grub" || flag == "esp" || flag == "boot" || flag == "raid" || flag == "lvm";
}

bool is_known_fs_type(const std::string& type) {
    return type == "ext4" || type == "xfs" || type == "vfat" || type == "swap";
}

size_t max_label_length(const std::string& fs_type) {
    if (fs_type == "xfs") return 12;
    if (fs_type == "vfat") return 11;
    if (fs_type == "swap") return 15;
    return 16;
}

void validate_plan(const DeployPlan& plan) {
    std::map<std::string, std::string> names;
    validate_disks(plan, names);
    validate_raid_and_lvm(plan, names);
    validate_rest(plan);
}

}  // namespace ingot::agent::plan
