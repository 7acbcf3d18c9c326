#include "ramdisk-agent/plan/references.h"

#include <cctype>

#include "ramdisk-agent/plan/plan_error.h"

namespace ingot::agent::plan {

std::string partition_path(const std::string& disk_device, int number) {
    bool digit_end = !disk_device.empty() && std::isdigit(static_cast<unsigned char>(disk_device.back()));
    return disk_device + (digit_end ? "p" : "") + std::to_string(number);
}

std::optional<Referent> find_referent(const DeployPlan& plan, const std::string& ref) {
    if (ref.empty()) return std::nullopt;
    for (const auto& disk : plan.disks) {
        for (const auto& part : disk.partitions) {
            if (part.name == ref) return Referent{Referent::Kind::partition, &disk, &part};
        }
    }
    for (const auto& raid : plan.raids) {
        if (raid.name == ref) return Referent{Referent::Kind::raid, nullptr, nullptr, &raid};
    }
    for (const auto& lv : plan.lvm.lvs) {
        if (lv.vg + "/" + lv.name == ref) return Referent{Referent::Kind::lv, nullptr, nullptr, nullptr, &lv};
    }
    for (const auto& disk : plan.disks) {
        if (disk.id == ref) return Referent{Referent::Kind::disk, &disk};
    }
    return std::nullopt;
}

std::string device_path(const DeployPlan& plan, const std::string& ref, const std::string& path) {
    auto r = find_referent(plan, ref);
    if (!r) throw PlanError(path, "\"" + ref + "\" names no disk, partition, RAID array or logical volume");
    switch (r->kind) {
        case Referent::Kind::disk:
            return r->disk->device;
        case Referent::Kind::partition:
            return partition_path(r->disk->device, r->partition->number);
        case Referent::Kind::raid:
            return "/dev/md/" + r->raid->name;
        case Referent::Kind::lv:
            return "/dev/" + r->lv->vg + "/" + r->lv->name;
    }
    return "";
}

}  // namespace ingot::agent::plan
