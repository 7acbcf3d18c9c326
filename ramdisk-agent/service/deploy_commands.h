// Writing the image, as ironic-python-agent answers the conductor:
//   deploy.execute_deploy_step  {"step": {"interface": "deploy", "step": "write_image",
//                                "args": {"image_info": ..., "configdrive": ...}},
//                                "node": {...}, "ports": [...]}
//       -> {"deploy_result": {"result": "prepare_image: image (ID) written to device /dev/sda root_uuid=..."},
//           "deploy_step": <the step>}
//   standby.prepare_image       {"image_info": ..., "configdrive": ...}  (older Ironic)
//       -> {"result": "prepare_image: image (ID) written to device ..."}
//   standby.get_partition_uuids -> {"root uuid": ..., "efi system partition uuid": ..., "partitions": {...}}
//   image.install_bootloader    {"root_uuid", "efi_system_part_uuid", "prep_boot_part_uuid", "target_boot_mode"}
//       -> null
// The write goes through the plan library: the `ironic` input driver turns
// the document built by ironic_document() into a plan, its disks are chosen
// among the eligible devices (disk_safety.h), and execute_plan() runs every
// action but `bootloader`, which the conductor asks for separately. The plan
// and its ExecuteResult stay in memory for the commands that follow.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ramdisk-agent/image/format_inspector.h"
#include "ramdisk-agent/plan/execute.h"
#include "ramdisk-agent/plan/objects.h"
#include "ramdisk-agent/service/command_registry.h"
#include "ramdisk-agent/service/disk_access.h"

namespace ingot::agent::service {

// The `ironic` input driver's document:
//   {"image_info": ..., "instance_info": node.instance_info,
//    "root_device": node.properties.root_device, "configdrive": ...}
// The config drive is the command's (or, as IPA allows, image_info's); an
// instance_info.configdrive is dropped, since the conductor masks it in the
// node it sends. Fields that are null or absent stay out.
json ironic_document(const json& image_info, const json& configdrive, const json& node);

// The same from whatever a payload holds: execute_deploy_step's params
// ({"step": {"args": {"image_info", "configdrive"}}, "node"}), prepare_image's
// ({"image_info", "configdrive"}, the node from `cached_node`), or a document
// already in the driver's shape (one with "instance_info" or "root_device"
// and no "step"), returned as is. Plan mode reads its file through this.
json ironic_document_from_params(const json& params, const json& cached_node = json::object());

// What a successful write leaves for get_partition_uuids and install_bootloader.
struct DeployedImage {
    plan::DeployPlan plan;  // as resolved, before execute_plan ran
    plan::ExecuteResult result;
    std::string image_id;
    std::string device;  // the root disk
    bool whole_disk = true;
    bool uefi = false;
};

class DeployState {
public:
    // The last node a command (or the lookup) carried: prepare_image has
    // no "node" param, yet its root device hints live there (IPA caches it).
    void remember_node(const json& node);
    json node() const;

    // What the conductor's lookup config allows of images; the defaults
    // (no MD5, inspection on) until a lookup says otherwise.
    void remember_image_policy(image::ImagePolicy policy);
    image::ImagePolicy image_policy() const;

    void remember(DeployedImage deployed);
    void forget();
    std::optional<DeployedImage> last() const;

private:
    mutable std::mutex mutex_;
    json node_ = json::object();
    image::ImagePolicy image_policy_;
    std::optional<DeployedImage> last_;
};

// The image policy in a lookup's config (IPA's keys: agent_md5_checksum_enable,
// disable_deep_image_inspection, permitted_image_formats); a key absent or
// of the wrong type keeps the safe default.
image::ImagePolicy image_policy_from_lookup(const json& config);

// The commands themselves, callable without a registry (unit tests).
// write_image returns IPA's message ("image (ID) written to device ...").
std::string write_image(DeployState& state, const DiskAccess& access, const json& image_info, const json& configdrive,
                        const json& node);
json execute_deploy_step(DeployState& state, const DiskAccess& access, const json& params);
json prepare_image(DeployState& state, const DiskAccess& access, const json& params);
json partition_uuids(const DeployState& state);
json install_bootloader(DeployState& state, const DiskAccess& access, const json& params);

// IPA's error for a step no hardware manager has.
AgentError method_not_found(const std::string& step);

void add_deploy_commands(CommandRegistry& registry, std::shared_ptr<DeployState> state, const DiskAccess& access);

}  // namespace ingot::agent::service
