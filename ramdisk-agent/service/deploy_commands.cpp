#include "ramdisk-agent/service/deploy_commands.h"

#include "common/log.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::service {

namespace {

bool present(const json& object, const char* key) {
    return object.is_object() && object.contains(key) && !object[key].is_null();
}

AgentError invalid_params(const std::string& details) {
    return AgentError("InvalidCommandParamsError", 400, "Invalid command parameters", details);
}

std::string image_id(const json& image_info, const plan::DeployPlan& plan) {
    if (present(image_info, "id") && image_info["id"].is_string()) return image_info["id"].get<std::string>();
    if (plan.images.empty()) return "";
    const std::string& url = plan.images.front().url;
    auto slash = url.find_last_of('/');
    return slash == std::string::npos ? url : url.substr(slash + 1);
}

// Chooses the plan's disks among the eligible devices, then checks each
// chosen one again against fresh mount tables. A hint that matches only a
// protected device is refused as such, not as "no disk matches".
void resolve_targets(plan::DeployPlan& plan, const DiskAccess& access) {
    for (size_t i = 0; i < plan.disks.size(); ++i) {
        try {
            plan::validate_hints(plan.disks[i].hints, "root_device");
        } catch (const plan::PlanError& e) {
            throw invalid_params(e.what());
        }
    }
    Candidates c = candidates(access);
    try {
        plan::resolve_disks(plan, c.eligible);
    } catch (const plan::PlanError& e) {
        for (const auto& disk : plan.disks) {
            if (disk.hints.empty() || !disk.device.empty()) continue;
            for (const auto& [device, why] : c.refused) {
                if (plan::matches_hints(device, disk.hints))
                    throw protected_device("the root device hints " + disk.hints.dump() + " match " + device.name +
                                           ", which ingot-agent never writes: " + why);
            }
        }
        throw AgentError("DeviceNotFound", 404, "Error finding the disk or partition device to deploy the image onto",
                         e.what());
    }
    for (const auto& disk : plan.disks) check_before_writing(access, disk.device);
}

// Runs the plan, turning the image and plan errors into IPA's.
plan::ExecuteResult run_plan(plan::DeployPlan& plan, const DiskAccess& access, std::set<std::string> skip,
                             const image::ImagePolicy& image_policy = {}) {
    plan::ExecuteOptions options;
    options.runner = access.runner;
    options.skip = std::move(skip);
    options.tls = access.tls;
    options.image_policy = image_policy;
    try {
        return access.execute(plan, options);
    } catch (const AgentError&) {
        throw;
    } catch (const image::ChecksumMismatch& e) {
        throw AgentError("ImageChecksumError", 500, "Error verifying image checksum", e.what());
    } catch (const image::DownloadError& e) {
        throw AgentError("ImageDownloadError", 500, "Error downloading image", e.what());
    } catch (const image::UnsafeImage& e) {
        throw AgentError("InvalidImage", 400, "The image is refused", e.what());
    } catch (const plan::PlanError& e) {
        throw invalid_params(e.what());
    } catch (const Error& e) {
        throw AgentError("ImageWriteError", 500, "Error writing image to device", e.what());
    }
}

const json& object_or_empty(const json& parent, const char* key) {
    static const json empty = json::object();
    return present(parent, key) && parent[key].is_object() ? parent[key] : empty;
}

}  // namespace

json ironic_document(const json& image_info, const json& configdrive, const json& node) {
    json doc = json::object();
    json info = image_info.is_null() ? json::object() : image_info;
    json drive = configdrive;
    if (info.is_object()) {
        // IPA's backward compatibility: the config drive inside image_info.
        if (drive.is_null() && present(info, "configdrive")) drive = info["configdrive"];
        info.erase("configdrive");
        // IPA writes a partition image only when told "partition"; the
        // ironic driver would guess one from a root size.
        if (!present(info, "image_type")) info["image_type"] = "whole-disk-image";
    }
    doc["image_info"] = info;
    json instance_info = object_or_empty(node, "instance_info");
    instance_info.erase("configdrive");  // masked ("******") in the node the conductor sends
    doc["instance_info"] = instance_info;
    const json& properties = object_or_empty(node, "properties");
    if (present(properties, "root_device")) doc["root_device"] = properties["root_device"];
    if (!drive.is_null()) doc["configdrive"] = drive;
    return doc;
}

json ironic_document_from_params(const json& params, const json& cached_node) {
    if (!params.is_object() || !params.contains("step")) return params;
    const json& step = params["step"];
    json args = step.is_object() && present(step, "args") ? step["args"] : json::object();
    // value() below throws nlohmann's type_error on anything but an object.
    if (!args.is_object())
        throw plan::PlanError("step.args", "must be an object, not " + std::string(args.type_name()));
    const json& node = present(params, "node") ? params["node"] : cached_node;
    return ironic_document(args.value("image_info", json()), args.value("configdrive", json()), node);
}

void DeployState::remember_node(const json& node) {
    if (!node.is_object() || node.empty()) return;
    std::lock_guard lock(mutex_);
    node_ = node;
}

json DeployState::node() const {
    std::lock_guard lock(mutex_);
    return node_;
}

void DeployState::remember_image_policy(image::ImagePolicy policy) {
    std::lock_guard lock(mutex_);
    image_policy_ = std::move(policy);
}

image::ImagePolicy DeployState::image_policy() const {
    std::lock_guard lock(mutex_);
    return image_policy_;
}

image::ImagePolicy image_policy_from_lookup(const json& config) {
    image::ImagePolicy policy;
    if (!config.is_object()) return policy;
    if (auto it = config.find("agent_md5_checksum_enable"); it != config.end() && it->is_boolean())
        policy.allow_md5 = it->get<bool>();
    if (auto it = config.find("disable_deep_image_inspection"); it != config.end() && it->is_boolean())
        policy.inspect = !it->get<bool>();
    if (auto it = config.find("permitted_image_formats"); it != config.end() && it->is_array()) {
        std::vector<std::string> formats;
        for (const auto& f : *it)
            if (f.is_string()) formats.push_back(to_lower(f.get<std::string>()));
        policy.permitted_formats = formats;
    }
    return policy;
}

void DeployState::remember(DeployedImage deployed) {
    std::lock_guard lock(mutex_);
    last_ = std::move(deployed);
}

void DeployState::forget() {
    std::lock_guard lock(mutex_);
    last_.reset();
}

std::optional<DeployedImage> DeployState::last() const {
    std::lock_guard lock(mutex_);
    return last_;
}

AgentError method_not_found(const std::string& step) {
    return AgentError("HardwareManagerMethodNotFound", 500, "No HardwareManager found to handle method",
                      "Could not find method: " + step);
}

std::string write_image(DeployState& state, const DiskAccess& access, const json& image_info, const json& configdrive,
                        const json& node) {
    // SAFETY: before anything else, even discovery.
    require_disk_writes(access.policy, access.pid);
    // A failed write must not leave the previous one's plan for the bootloader.
    state.forget();

    plan::DeployPlan plan;
    try {
        plan = plan::input_drivers().create("ironic")->parse(ironic_document(image_info, configdrive, node));
    } catch (const plan::PlanError& e) {
        throw invalid_params(e.what());
    }
    resolve_targets(plan, access);

    DeployedImage deployed;
    deployed.plan = plan;  // as resolved: install_bootloader runs execute_plan on it again
    deployed.image_id = image_id(image_info, plan);
    deployed.device = plan.disks.front().device;
    deployed.whole_disk = plan.disks.front().partitions.empty();
    deployed.uefi = plan.bootloader.uefi;
    const std::string node_uuid = node.value("uuid", std::string());
    log::info("agent.write_image_start", {{"node", node_uuid},
                                          {"image", deployed.image_id},
                                          {"device", deployed.device},
                                          {"image_type", deployed.whole_disk ? "whole-disk" : "partition"}});
    // The conductor asks for the bootloader separately (image.install_bootloader).
    deployed.result = run_plan(plan, access, {"bootloader"}, state.image_policy());
    log::info("agent.write_image_done", {{"node", node_uuid},
                                         {"image", deployed.image_id},
                                         {"device", deployed.device},
                                         {"root_uuid", deployed.result.root_uuid}});

    // IPA's message (_message_format).
    std::string message = "image (" + deployed.image_id + ") written to device " + deployed.device + " ";
    const std::string boot_mode = image_info.is_object() ? image_info.value("deploy_boot_mode", std::string()) : "";
    if (boot_mode == "uefi" && !deployed.result.efi_system_partition_uuid.empty())
        message += "root_uuid=" + deployed.result.root_uuid +
                   " efi_system_partition_uuid=" + deployed.result.efi_system_partition_uuid;
    else
        message += "root_uuid=" + deployed.result.root_uuid;
    state.remember(std::move(deployed));
    return message;
}

json prepare_image(DeployState& state, const DiskAccess& access, const json& params) {
    if (present(params, "node")) state.remember_node(params["node"]);
    const json image_info = params.value("image_info", json());
    if (!image_info.is_object()) throw invalid_params("image_info must be an object");
    std::string message = write_image(state, access, image_info, params.value("configdrive", json()), state.node());
    // IPA's asynchronous commands wrap a string result this way.
    return {{"result", "prepare_image: " + message}};
}

json execute_deploy_step(DeployState& state, const DiskAccess& access, const json& params) {
    const json step = params.value("step", json());
    if (!step.is_object() || !step.contains("step"))
        throw execution_error("Malformed deploy_step, no \"step\" key: " + step.dump());
    if (present(params, "node")) state.remember_node(params["node"]);
    // IPA passes the step's args (over the other params) to the step.
    json kwargs = params;
    for (const char* k : {"step", "node", "ports", "deploy_version"}) kwargs.erase(k);
    if (present(step, "args") && step["args"].is_object()) kwargs.update(step["args"]);
    const std::string name = step["step"].is_string() ? step["step"].get<std::string>() : step["step"].dump();
    if (name != "write_image") throw method_not_found(name);

    const json image_info = kwargs.value("image_info", json());
    if (!image_info.is_object()) throw invalid_params("image_info must be an object");
    std::string message;
    try {
        message = write_image(state, access, image_info, kwargs.value("configdrive", json()), state.node());
    } catch (const AgentError&) {
        throw;
    } catch (const std::exception& e) {
        throw AgentError("DeploymentError", 500, "Deploy step failed",
                         std::string("Unexpected exception performing deploy step write_image. ") + e.what());
    }
    // write_image's result is prepare_image's command_result, as in IPA.
    return {{"deploy_result", {{"result", "prepare_image: " + message}}}, {"deploy_step", step}};
}

json partition_uuids(const DeployState& state) {
    auto last = state.last();
    if (!last) {
        log::warning("agent.no_partition_uuids",
                     {{"why", "no image written yet (prepare_image or write_image first)"}});
        return json::object();
    }
    json out = {{"root uuid", last->result.root_uuid}};
    if (last->whole_disk) return out;  // IPA: only the disk identifier
    const auto& efi = last->result.efi_system_partition_uuid;
    out["efi system partition uuid"] = efi.empty() ? json() : json(efi);
    // IPA's "partitions": what each partition of the layout became.
    json parts = json::object();
    for (const auto& disk : last->plan.disks) {
        for (const auto& p : disk.partitions) {
            if (!p.name.empty()) parts[p.name] = plan::partition_path(disk.device, p.number);
        }
    }
    out["partitions"] = parts;
    return out;
}

json install_bootloader(DeployState& state, const DiskAccess& access, const json& params) {
    auto last = state.last();
    if (!last) {
        throw execution_error(
            "no image was written by this agent (deploy.execute_deploy_step write_image or standby.prepare_image "
            "must succeed first); refusing to install a bootloader on a disk it did not write");
    }
    require_disk_writes(access.policy, access.pid);
    const std::string root_uuid =
        params.value("root_uuid", json()).is_string() ? params["root_uuid"].get<std::string>() : "";
    if (!root_uuid.empty() && !last->result.root_uuid.empty() && root_uuid != last->result.root_uuid) {
        throw AgentError("DeviceNotFound", 404, "Error finding the disk or partition device to deploy the image onto",
                         "root partition with UUID " + root_uuid + " is not the one this agent wrote (" +
                             last->result.root_uuid + " on " + last->device + ")");
    }
    const json mode = params.value("target_boot_mode", json("bios"));
    const std::string boot_mode = mode.is_string() ? mode.get<std::string>() : "bios";
    if (boot_mode != "uefi" && boot_mode != "bios")
        throw invalid_params("target_boot_mode must be uefi or bios, got " + mode.dump());

    plan::DeployPlan plan = last->plan;
    if (plan.bootloader.kind == plan::Bootloader::Kind::none) {
        // A whole-disk image brings its own bootloader.
        log::info("agent.install_bootloader_skipped", {{"device", last->device}, {"why", "whole-disk image"}});
        return json(nullptr);
    }
    plan.bootloader.uefi = boot_mode == "uefi";
    for (const auto& disk : plan.disks) check_before_writing(access, disk.device);
    std::set<std::string> skip;
    for (const auto& name : plan::actions().names()) {
        if (name != "bootloader") skip.insert(name);
    }
    log::info("agent.install_bootloader_start", {{"device", last->device}, {"boot_mode", boot_mode}});
    run_plan(plan, access, std::move(skip));
    log::info("agent.install_bootloader_done", {{"device", last->device}, {"boot_mode", boot_mode}});
    return json(nullptr);
}

void add_deploy_commands(CommandRegistry& registry, std::shared_ptr<DeployState> state, const DiskAccess& access) {
    registry.add("deploy", "execute_deploy_step",
                 {[state, access](const json& params) { return execute_deploy_step(*state, access, params); }, true});
    registry.add("standby", "prepare_image",
                 {[state, access](const json& params) { return prepare_image(*state, access, params); }, true});
    registry.add("standby", "get_partition_uuids", {[state](const json&) { return partition_uuids(*state); }, false});
    registry.add("image", "install_bootloader",
                 {[state, access](const json& params) { return install_bootloader(*state, access, params); }, true});
}

}  // namespace ingot::agent::service
