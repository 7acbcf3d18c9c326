#include "ramdisk-agent/plan/execute.h"

#include <algorithm>
#include <chrono>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "ramdisk-agent/image/checksum.h"
#include "ramdisk-agent/plan/block_devices.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"
#include "ramdisk-agent/plan/validate.h"

namespace ingot::agent::plan {

namespace {

using Clock = std::chrono::steady_clock;

void check_resolved(const DeployPlan& plan) {
    if (plan.disks.empty()) throw PlanError("disks", "the plan has no disk");
    for (size_t i = 0; i < plan.disks.size(); ++i) {
        if (plan.disks[i].device.empty())
            throw PlanError("disks[" + std::to_string(i) + "]",
                            "\"" + plan.disks[i].id + "\" is not resolved to a device (resolve_disks)");
    }
}

// What validate() leaves to run time but can be known now: an image that
// cannot be fetched or verified fails the deploy before the partitioning.
void check_images(const DeployPlan& plan) {
    for (size_t i = 0; i < plan.images.size(); ++i) {
        const Image& img = plan.images[i];
        std::string path = "images[" + std::to_string(i) + "]";
        std::string url = to_lower(img.url);
        if (!starts_with(url, "http://") && !starts_with(url, "https://"))
            throw PlanError(path + ".url", "\"" + img.url + "\" is not an http:// or https:// URL");
        try {
            if (!img.checksum.empty())
                image::resolve_checksum(img.checksum_algo, img.checksum, "");
            else
                image::parse_hash_algo(img.checksum_algo);
        } catch (const InvalidInput& e) {
            throw PlanError(path + ".checksum", e.what());
        }
    }
}

const Disk* whole_disk_target(const DeployPlan& plan) {
    for (const auto& img : plan.images) {
        auto r = find_referent(plan, img.target);
        if (r && r->kind == Referent::Kind::disk) return r->disk;
    }
    return nullptr;
}

std::string root_reference(const DeployPlan& plan) {
    if (!plan.bootloader.root.empty()) return plan.bootloader.root;
    for (const auto& fs : plan.filesystems) {
        if (fs.mount_point == "/") return fs.device;
    }
    return plan.images.empty() ? "" : plan.images.front().target;
}

std::string esp_reference(const DeployPlan& plan) {
    for (const auto& fs : plan.filesystems) {
        if (fs.mount_point == "/boot/efi") return fs.device;
    }
    for (const auto& disk : plan.disks) {
        for (const auto& p : disk.partitions) {
            if (!p.name.empty() && std::find(p.flags.begin(), p.flags.end(), "esp") != p.flags.end()) return p.name;
        }
    }
    return "";
}

ExecuteResult collect(const DeployPlan& plan, const CommandRunner& runner, bool configdrive_ran) {
    ExecuteResult result;
    for (const auto& disk : plan.disks) {
        for (const auto& p : disk.partitions) {
            if (p.name.empty()) continue;
            std::string dev = partition_path(disk.device, p.number);
            result.devices[p.name] = dev;
            std::string uuid = blkid_value(runner, dev, "PARTUUID");
            if (!uuid.empty()) result.partition_uuids[p.name] = uuid;
        }
    }
    if (const Disk* disk = whole_disk_target(plan)) {
        std::string type = blkid_value(runner, disk->device, "PTTYPE", true);
        std::string id = blkid_value(runner, disk->device, "PTUUID", true);
        result.root_uuid = type == "dos" && !id.empty() ? "0x" + id : id;
        if (configdrive_ran && plan.configdrive && !type.empty()) {
            for (const auto& p : read_partition_table(runner, disk->device).partitions) {
                std::string dev = partition_path(disk->device, p.number);
                if (blkid_value(runner, dev, "LABEL") != kConfigDriveName) continue;
                result.devices[kConfigDriveName] = dev;
                std::string uuid = blkid_value(runner, dev, "PARTUUID");
                if (!uuid.empty()) result.partition_uuids[kConfigDriveName] = uuid;
            }
        }
        return result;
    }
    if (std::string root = root_reference(plan); !root.empty())
        result.root_uuid = block_uuid(runner, device_path(plan, root));
    if (std::string esp = esp_reference(plan); !esp.empty())
        result.efi_system_partition_uuid = block_uuid(runner, device_path(plan, esp));
    return result;
}

}  // namespace

ExecuteResult execute_plan(DeployPlan& plan, const ExecuteOptions& options) {
    check_resolved(plan);
    std::vector<std::string> order = deploy_order();
    for (const auto& name : options.skip) {
        if (std::find(order.begin(), order.end(), name) == order.end())
            throw PlanError("skip", "\"" + name + "\" is not an action (" + join(order, ", ") + ")");
    }
    // Everything is checked before anything is touched.
    validate_plan(plan);
    std::vector<std::unique_ptr<Action>> steps;
    for (const auto& name : order) {
        steps.push_back(actions().create(name));
        steps.back()->validate(plan);
    }
    check_images(plan);

    std::vector<std::string> disks;
    for (const auto& d : plan.disks) disks.push_back(d.device);
    log::info("agent.plan.execute_start",
              {{"disks", join(disks, ",")},
               {"images", std::to_string(plan.images.size())},
               {"skip", join(std::vector<std::string>(options.skip.begin(), options.skip.end()), ",")}});
    auto started = Clock::now();
    RunContext context{options.runner, options.tls, options.image_policy};
    std::vector<std::string> ran;
    for (size_t i = 0; i < order.size(); ++i) {
        const std::string& name = order[i];
        if (options.skip.count(name)) {
            log::info("agent.plan.action_skipped", {{"action", name}});
            continue;
        }
        auto action_started = Clock::now();
        log::info("agent.plan.action_start", {{"action", name}});
        try {
            if (auto* contextual = dynamic_cast<const ContextualAction*>(steps[i].get()))
                contextual->run(plan, context);
            else
                steps[i]->run(plan, options.runner);
        } catch (const std::exception& e) {
            log::error("agent.plan.action_failed", {{"action", name}, {"error", e.what()}});
            throw;
        }
        ran.push_back(name);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - action_started).count();
        log::info("agent.plan.action_done", {{"action", name}, {"ms", std::to_string(ms)}});
    }
    ExecuteResult result = collect(plan, options.runner, std::count(ran.begin(), ran.end(), "configdrive") > 0);
    result.actions_run = ran;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    log::info("agent.plan.execute_done", {{"root_uuid", result.root_uuid},
                                          {"efi_system_partition_uuid", result.efi_system_partition_uuid},
                                          {"ms", std::to_string(ms)}});
    return result;
}

}  // namespace ingot::agent::plan
