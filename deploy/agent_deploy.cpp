#include "deploy/agent_deploy.h"

#include <algorithm>
#include <thread>

#include "common/config.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/secrets.h"
#include "common/strings.h"
#include "deploy/deploy_timeline.h"
#include "deploy/image_source_checks.h"
#include "interfaces/boot.h"
#include "interfaces/boot_mode.h"
#include "interfaces/power.h"

namespace ingot::deploy {
namespace {

using interfaces::HeartbeatOutcome;
using interfaces::Task;
using nlohmann::json;

constexpr const char* kDeployWait = "wait call-back";
constexpr const char* kCleanWait = "clean wait";
constexpr const char* kPendingKey = "agent_pending_command";
constexpr const char* kExecuteDeployStep = "deploy.execute_deploy_step";
constexpr const char* kInstallBootloader = "image.install_bootloader";
constexpr const char* kExecuteCleanStep = "clean.execute_clean_step";

// The deploy steps of this interface, as Ironic's AgentDeploy lists them
// (the network step is not ours): the index in driver_internal_info
// deploy_step_index says where a deploy is.
enum DeployStepIndex {
    kStepDeploy = 0,
    kStepWriteImage,
    kStepPrepareInstanceBoot,
    kStepTearDownAgent,
    kStepBootInstance
};

const json& deploy_steps() {
    static const json steps = json::array({
        {{"interface", "deploy"}, {"step", "deploy"}, {"priority", 100}, {"args", json::object()}},
        {{"interface", "deploy"}, {"step", "write_image"}, {"priority", 80}, {"args", json::object()}},
        {{"interface", "deploy"}, {"step", "prepare_instance_boot"}, {"priority", 60}, {"args", json::object()}},
        {{"interface", "deploy"}, {"step", "tear_down_agent"}, {"priority", 40}, {"args", json::object()}},
        {{"interface", "deploy"}, {"step", "boot_instance"}, {"priority", 20}, {"args", json::object()}},
    });
    return steps;
}

std::string string_of(const json& object, const char* key) {
    if (!object.is_object()) return "";
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool truthy(const json& v) {
    bool flag = false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string()) return config::parse_bool(v.get<std::string>(), flag) && flag;
    return false;
}

bool present(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return false;
    if (it->is_string()) return !it->get<std::string>().empty();
    return true;
}

// An integer instance_info value given as a number or a numeric string.
std::optional<long long> integer_of(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    if (it->is_number_integer()) return it->get<long long>();
    if (it->is_number()) return static_cast<long long>(it->get<double>());
    long long v = 0;
    if (it->is_string() && parse_int(it->get<std::string>(), v)) return v;
    return std::nullopt;
}

// Ironic's is_whole_disk_image for images that are not in Glance: the
// instance_info's image_type when set, else whole disk unless a kernel and
// a ramdisk come with it.
bool is_partition_image(const json& ii) {
    const std::string type = string_of(ii, "image_type");
    if (!type.empty()) return type == "partition";
    return present(ii, "kernel") && present(ii, "ramdisk");
}

std::string step_id(const json& step) {
    return string_of(step, "interface") + "." + string_of(step, "step");
}

// The node as the agent may see it: every secret masked (Ironic's
// node.as_dict(secure=True)).
json agent_view(const Task& task) {
    json node = task.node();
    mask_secrets(node);
    return node;
}

interfaces::BootInterface& boot_of(Task& task) {
    if (!task.driver().boot) throw Error("internal: node " + task.node_uuid() + " has no boot interface in this task");
    return *task.driver().boot;
}

interfaces::PowerInterface& power_of(Task& task) {
    if (!task.driver().power)
        throw Error("internal: node " + task.node_uuid() + " has no power interface in this task");
    return *task.driver().power;
}

json& internal_of(Task& task) {
    json& internal = task.driver_internal_info();
    if (!internal.is_object()) internal = json::object();
    return internal;
}

// The agent's steps of one kind (get_deploy_steps, get_clean_steps), saved
// by interface in agent_cached_<kind>_steps with the hardware managers'
// version, as Ironic's refresh_steps. Throws AgentBusy when the agent runs
// something else (the next heartbeat tries again).
void refresh_steps(Task& task, AgentClient& agent, const std::string& kind) {
    const std::string command = kind + ".get_" + kind + "_steps";
    json r = agent.run(command, {{"node", agent_view(task)}, {"ports", task.ports()}}, /*wait=*/true);
    if (r.value("command_status", "") != "SUCCEEDED")
        throw AgentCommandError("Agent on node " + task.node_uuid() + " failed " + command + ": " + command_error(r));
    const json result = r.value("command_result", json::object());
    std::vector<std::string> missing;
    for (const std::string& key : {kind + "_steps", std::string("hardware_manager_version")})
        if (!result.is_object() || !result.contains(key)) missing.push_back("'" + key + "'");
    if (!missing.empty())
        throw AgentCommandError("agent get_" + kind + "_steps for node " + task.node_uuid() +
                                " returned an invalid result. Keys: " + join(missing, ", ") +
                                " are missing from result: " + result.dump() + ".");
    json by_interface = json::object();
    for (const auto& [manager, list] : result[kind + "_steps"].items()) {
        if (!list.is_array()) continue;
        for (json step : list) {
            for (const char* key : {"interface", "step", "priority"})
                if (!step.is_object() || !step.contains(key))
                    throw AgentCommandError("agent get_" + kind + "_steps for node " + task.node_uuid() +
                                            " returned an invalid " + kind + " step. Keys: '" + key +
                                            "' are missing from step: " + step.dump() + ".");
            if (kind == "clean") step["requires_ramdisk"] = true;
            const std::string interface = step["interface"].is_string() ? step["interface"].get<std::string>() : "";
            if (!by_interface.contains(interface)) by_interface[interface] = json::array();
            by_interface[interface].push_back(step);
        }
    }
    json& internal = internal_of(task);
    internal["hardware_manager_version"] = result["hardware_manager_version"];
    internal["agent_cached_" + kind + "_steps"] = by_interface;
    internal["agent_cached_" + kind + "_steps_refreshed"] = utc_now_iso();
    log::info("agent_deploy.steps_refreshed", {{"node", task.node_uuid()}, {"kind", kind}});
}

// What a polled command has come to.
enum class Poll { waiting, succeeded, failed };

// Checks the command awaited (driver_internal_info.agent_pending_command)
// against the agent's last command, as Ironic's _get_completed_command.
Poll poll_pending(Task& task, AgentClient& agent, json& last) {
    const std::string pending = string_of(internal_of(task), kPendingKey);
    auto command = agent.last_command();
    if (!command || !command_is(*command, pending)) {
        // The agent rebooted, or our command has not started yet.
        log::debug("agent_deploy.command_not_last", {{"node", task.node_uuid()}, {"command", pending}});
        return Poll::waiting;
    }
    last = *command;
    const std::string status = last.value("command_status", "");
    if (status == "RUNNING") return Poll::waiting;
    if (status == "SUCCEEDED") return Poll::succeeded;
    return Poll::failed;
}

}  // namespace

std::vector<interfaces::PropertySpec> AgentDeploy::properties() const {
    return {{"deploy_forces_oob_reboot",
             "Whether Ironic should force a reboot of the Node via the out-of-band channel after deployment is "
             "complete. Provides compatibility with older deploy ramdisks. Defaults to False. Optional.",
             false},
            {"agent_verify_ca",
             "Either a Boolean value, a path to a CA_BUNDLE file or directory with certificates of trusted CAs. If "
             "set to True ironic will verify the agent's certificate; if False - no verification. Default: "
             "[agent]verify_ca. Optional.",
             false}};
}

void AgentDeploy::validate(const Task& task) const {
    const auto& info = task.driver_info();
    if (info.contains("deploy_forces_oob_reboot")) {
        const auto& v = info["deploy_forces_oob_reboot"];
        bool ok = v.is_boolean() || (v.is_string() && (v == "true" || v == "false" || v == "True" || v == "False"));
        if (!ok) throw interfaces::InvalidParameter("deploy_forces_oob_reboot must be a boolean, got " + v.dump());
    }
    const json& ii = task.instance_info();
    if (!present(ii, "image_source"))
        throw interfaces::MissingParameter("Node " + task.node_uuid() +
                                           " failed to validate deploy image info. Some parameters were missing. "
                                           "Missing are: ['instance_info.image_source']");
    const std::string image_type = string_of(ii, "image_type");
    if (ii.contains("image_type") && !ii["image_type"].is_null() && image_type != "partition" &&
        image_type != "whole-disk")
        throw interfaces::InvalidParameter("Invalid image_type \"" +
                                           (ii["image_type"].is_string() ? image_type : ii["image_type"].dump()) +
                                           "\", valid are partition, whole-disk");
    const std::string source = string_of(ii, "image_source");
    if (!starts_with(source, "file://") && !starts_with(source, "oci://")) {
        const bool algo = present(ii, "image_os_hash_algo"), value = present(ii, "image_os_hash_value");
        if (algo != value || (!value && !present(ii, "image_checksum")))
            throw interfaces::MissingParameter(
                "image_source's \"image_checksum\", or \"image_os_hash_algo\" and \"image_os_hash_value\" must be "
                "provided in instance_info for node " +
                task.node_uuid());
    }
    check_image_checksum_algorithm(ii, task.node_uuid(), settings_.allow_md5_checksum);
    if (is_partition_image(ii) && !present(ii, "root_gb") && !present(ii, "root_mb"))
        throw interfaces::MissingParameter(
            "Cannot validate driver deploy. Some parameters were missing in node's instance_info. Missing are: "
            "['instance_info.root_gb']");
    check_local_image_source(ii, settings_.file_sources);
}

json AgentDeploy::image_info(const Task& task) const {
    const json& ii = task.instance_info();
    const std::string source = string_of(ii, "image_source");
    const std::string url = present(ii, "image_url") ? string_of(ii, "image_url") : source;
    auto slash = source.find_last_of('/');
    json info = {
        {"id", slash == std::string::npos ? source : source.substr(slash + 1)},
        {"urls", json::array({url})},
        {"disk_format", ii.value("image_disk_format", json())},
        {"container_format", ii.value("image_container_format", json())},
        {"stream_raw_images", settings_.stream_raw_images},
        {"node_uuid", task.node_uuid()},
    };
    if (present(ii, "image_checksum")) info["checksum"] = ii["image_checksum"];
    if (present(ii, "image_os_hash_algo") && present(ii, "image_os_hash_value")) {
        info["os_hash_algo"] = ii["image_os_hash_algo"];
        info["os_hash_value"] = ii["image_os_hash_value"];
    }
    if (is_partition_image(ii)) {
        // Ironic's PARTITION_IMAGE_LABELS, sizes in MiB as the agent wants.
        for (const char* label : {"kernel", "ramdisk", "root_gb", "ephemeral_format", "preserve_ephemeral"})
            info[label] = ii.value(label, json());
        auto mib = [&](const char* mb_key, const char* gb_key) -> json {
            if (auto mb = integer_of(ii, mb_key)) return *mb;
            if (auto gb = integer_of(ii, gb_key)) return *gb * 1024;
            return 0;
        };
        info["root_mb"] = mib("root_mb", "root_gb");
        info["swap_mb"] = mib("swap_mb", "swap_gb");
        info["ephemeral_mb"] = mib("ephemeral_mb", "ephemeral_gb");
        if (info["preserve_ephemeral"].is_null()) info["preserve_ephemeral"] = false;
        info["image_type"] = "partition";
        info["deploy_boot_mode"] = interfaces::boot_mode(task);
        info["boot_option"] = "local";
        if (auto label = interfaces::capability(task, "disk_label"); !label.empty()) info["disk_label"] = label;
    } else {
        // Ironic leaves image_type out for whole-disk images (IPA treats
        // anything but "partition" as whole disk); saying it keeps an agent
        // from guessing "partition" from instance_info.root_gb. The name is
        // the one ingot-agent's ironic input driver accepts.
        info["image_type"] = "whole-disk-image";
    }
    if (present(ii, "configdrive")) info["configdrive"] = ii["configdrive"];
    return info;
}

void AgentDeploy::power(Task& task, const std::string& state) {
    auto& p = power_of(task);
    log::info("agent_deploy.power", {{"node", task.node_uuid()}, {"state", state}});
    if (state == interfaces::kRebooting) {
        p.reboot(task, settings_.power_timeout);
        task.node()["power_state"] = interfaces::kPowerOn;
    } else {
        p.set_power_state(task, state, settings_.power_timeout);
        task.node()["power_state"] = state == interfaces::kSoftPowerOff ? interfaces::kPowerOff : state;
    }
    // As Ironic's node_power_action: the agent that ran does not survive a
    // power off or reboot, nor does what it told us.
    if (state != interfaces::kPowerOn) forget_agent_after_power_off(internal_of(task));
}

interfaces::DeployResult AgentDeploy::deploy(Task& task) {
    json& internal = internal_of(task);
    forget_agent_progress(internal);
    timeline_start(internal);
    internal.erase("root_uuid_or_disk_id");
    internal["is_whole_disk_image"] = !is_partition_image(task.instance_info());
    internal["deploy_steps"] = deploy_steps();
    internal["deploy_step_index"] = static_cast<int>(kStepDeploy);
    task.node()["deploy_step"] = deploy_steps()[kStepDeploy];
    if (settings_.fast_track && agent_alive(task.node(), settings_.fast_track_timeout)) {
        // Fast track: the agent that cleaned (or inspected) the node still
        // runs; the deploy goes on at once, heartbeats drive the rest.
        log::info("agent_deploy.fast_track", {{"node", task.node_uuid()}});
        timeline_mark(internal, "agent_up");
        try {
            AgentClient agent(task.node(), settings_.client);
            auto first = continue_deploy(task, agent);
            if (first.action == HeartbeatOutcome::Action::failed) throw Error(first.error);
            return interfaces::DeployResult::wait_for_callback;
        } catch (const AgentBusy& e) {
            log::info("agent_deploy.agent_busy", {{"node", task.node_uuid()}, {"reason", e.what()}});
            return interfaces::DeployResult::wait_for_callback;
        } catch (const AgentConnectionFailed& e) {
            // It died since its last heartbeat: boot it the usual way.
            log::warning("agent_deploy.fast_track_unavailable", {{"node", task.node_uuid()}, {"reason", e.what()}});
            forget_agent_connection(internal);
        }
    }
    boot_of(task).prepare_ramdisk(task, {});
    // Boots the ramdisk, which looks the node up and heartbeats.
    power(task, interfaces::kRebooting);
    timeline_mark(internal, "ramdisk_booting");
    log::info("agent_deploy.waiting_for_agent", {{"node", task.node_uuid()}});
    return interfaces::DeployResult::wait_for_callback;
}

void AgentDeploy::tear_down(Task& task) {
    power(task, interfaces::kPowerOff);
    forget_agent_progress(internal_of(task));
}

interfaces::DeployResult AgentDeploy::clean(Task& task, const json& clean_steps) {
    json& internal = internal_of(task);
    forget_agent_progress(internal);
    if (!clean_steps.is_null()) {
        // Manual cleaning: the steps as asked, checked against the agent's
        // own once it reports them.
        json requested = json::array();
        for (const auto& step : clean_steps) {
            if (!step.is_object() || string_of(step, "interface").empty() || string_of(step, "step").empty())
                throw interfaces::InvalidParameter("Invalid clean step " + step.dump() +
                                                   ": \"interface\" and \"step\" are required");
            requested.push_back({{"interface", step["interface"]},
                                 {"step", step["step"]},
                                 {"args", step.value("args", json::object())}});
        }
        internal["clean_steps"] = requested;
    }
    task.node()["clean_step"] = json::object();
    boot_of(task).prepare_ramdisk(task, {});
    power(task, interfaces::kRebooting);
    log::info("agent_deploy.waiting_for_agent", {{"node", task.node_uuid()}, {"operation", "clean"}});
    return interfaces::DeployResult::wait_for_callback;
}

HeartbeatOutcome AgentDeploy::heartbeat(Task& task, const json&) {
    const std::string state = string_of(task.node(), "provision_state");
    const bool deploying = state == kDeployWait;
    if (!deploying && state != kCleanWait) return HeartbeatOutcome::keep_waiting();
    try {
        AgentClient agent(task.node(), settings_.client);
        if (deploying) timeline_mark(internal_of(task), "agent_up");
        return deploying ? continue_deploy(task, agent) : continue_cleaning(task, agent);
    } catch (const AgentBusy& e) {
        log::info("agent_deploy.agent_busy", {{"node", task.node_uuid()}, {"reason", e.what()}});
        return HeartbeatOutcome::keep_waiting();
    } catch (const std::exception& e) {
        if (deploying) return deploy_failed(task, std::string("Failed to process the next deploy step: ") + e.what());
        const std::string message = std::string("Node failed to check cleaning progress: ") + e.what();
        log::error("agent_deploy.clean_failed", {{"node", task.node_uuid()}, {"error", message}});
        task.node()["clean_step"] = json::object();
        internal_of(task).erase(kPendingKey);
        return HeartbeatOutcome::failed(message);
    }
}

HeartbeatOutcome AgentDeploy::deploy_failed(Task& task, const std::string& message) {
    log::error("agent_deploy.deploy_failed", {{"node", task.node_uuid()}, {"error", message}});
    json& internal = internal_of(task);
    // The step list stays for debugging, as Ironic leaves it.
    internal.erase(kPendingKey);
    internal.erase("deploy_step_index");
    task.node()["deploy_step"] = json::object();
    if (settings_.power_off_after_deploy_failure) {
        try {
            power(task, interfaces::kPowerOff);
        } catch (const std::exception& e) {
            log::error("agent_deploy.power_off_after_failure_failed",
                       {{"node", task.node_uuid()}, {"error", e.what()}});
        }
    }
    return HeartbeatOutcome::failed(message);
}

HeartbeatOutcome AgentDeploy::continue_deploy(Task& task, AgentClient& agent) {
    json& internal = internal_of(task);
    const std::string uuid = task.node_uuid();
    if (!internal.contains("deploy_steps") || !internal["deploy_steps"].is_array()) {
        internal["deploy_steps"] = deploy_steps();
        internal["deploy_step_index"] = static_cast<int>(kStepDeploy);
    }
    int index = static_cast<int>(integer_of(internal, "deploy_step_index").value_or(kStepDeploy));
    auto enter_step = [&](int i) {
        index = i;
        internal["deploy_step_index"] = i;
        task.node()["deploy_step"] = deploy_steps()[i];
    };
    const auto step_failed = [&](const std::string& why) {
        return deploy_failed(task, "Deploy step " + step_id(deploy_steps()[index]) + " failed: " + why);
    };

    // The first heartbeat of a freshly booted agent: its steps.
    if (!internal.contains("agent_cached_deploy_steps")) refresh_steps(task, agent, "deploy");

    bool bootloader_installed = false;
    if (const std::string pending = string_of(internal, kPendingKey); !pending.empty()) {
        json command;
        const Poll poll = poll_pending(task, agent, command);
        if (poll == Poll::waiting) return HeartbeatOutcome::keep_waiting();
        if (poll == Poll::failed) {
            const std::string status = command.value("command_status", "");
            if (pending == kInstallBootloader)
                return step_failed("Failed to install a bootloader when deploying node " + uuid + ": " +
                                   command_error(command));
            if (status != "FAILED")
                return deploy_failed(task, "Agent returned unknown status for deploy step " +
                                               step_id(deploy_steps()[index]) + " on node " + uuid + " : " + status +
                                               ".");
            return deploy_failed(task, "Deploy step " + step_id(deploy_steps()[index]) + " failed on node " + uuid +
                                           ". " + command_error(command));
        }
        internal.erase(kPendingKey);
        log::info("agent_deploy.command_succeeded", {{"node", uuid}, {"command", pending}});
        if (pending == kExecuteDeployStep)
            enter_step(kStepPrepareInstanceBoot);
        else if (pending == kInstallBootloader)
            bootloader_installed = true;
    }

    if (index <= kStepWriteImage) {
        enter_step(kStepWriteImage);
        const json configdrive = task.instance_info().value("configdrive", json());
        json step = {{"interface", "deploy"},
                     {"step", "write_image"},
                     {"args", {{"image_info", image_info(task)}, {"configdrive", configdrive}}},
                     {"priority", 80}};
        json r = agent.run(kExecuteDeployStep, {{"step", step}, {"node", agent_view(task)}, {"ports", task.ports()}},
                           /*wait=*/false);
        if (r.value("command_status", "") == "FAILED")
            return deploy_failed(task,
                                 "Deploy step deploy.write_image failed on node " + uuid + ". " + command_error(r));
        internal[kPendingKey] = kExecuteDeployStep;
        log::info("agent_deploy.writing_image", {{"node", uuid}});
        return HeartbeatOutcome::keep_waiting();
    }

    if (index == kStepPrepareInstanceBoot) {
        enter_step(kStepPrepareInstanceBoot);
        const bool partition = !internal.value("is_whole_disk_image", true);
        if (partition && !bootloader_installed) {
            json r = agent.run("standby.get_partition_uuids", json::object(), /*wait=*/true);
            if (r.value("command_status", "") != "SUCCEEDED")
                return step_failed("Failed to get partition UUIDs from the agent of node " + uuid + ": " +
                                   command_error(r));
            json uuids = r.value("command_result", json::object());
            if (!uuids.is_object()) uuids = json::object();
            const std::string boot_mode = interfaces::boot_mode(task);
            json root = uuids.value("root uuid", json());
            if (root.is_string() && !root.get<std::string>().empty())
                internal["root_uuid_or_disk_id"] = root;
            else
                log::error("agent_deploy.no_root_uuid", {{"node", uuid}, {"partition_uuids", uuids.dump()}});
            json efi =
                boot_mode == interfaces::kBootModeUefi ? uuids.value("efi system partition uuid", json()) : json();
            json params = {{"root_uuid", root}, {"efi_system_part_uuid", efi}, {"target_boot_mode", boot_mode}};
            r = agent.run(kInstallBootloader, params, /*wait=*/false);
            if (r.value("command_status", "") == "FAILED")
                return step_failed("Failed to install a bootloader when deploying node " + uuid + ": " +
                                   command_error(r));
            internal[kPendingKey] = kInstallBootloader;
            return HeartbeatOutcome::keep_waiting();
        }
        log::info("agent_deploy.image_written", {{"node", uuid}});
        timeline_mark(internal, "image_written");
        try {
            boot_of(task).prepare_instance(task);
        } catch (const std::exception& e) {
            return step_failed(std::string("Failed to prepare instance for booting: ") + e.what());
        }
        enter_step(kStepTearDownAgent);
    }

    if (index == kStepTearDownAgent) {
        try {
            tear_down_agent(task, agent);
        } catch (const std::exception& e) {
            return step_failed("Error rebooting node " + uuid + " after deploy. " + e.what());
        }
        enter_step(kStepBootInstance);
    }

    try {
        power(task, interfaces::kPowerOn);
    } catch (const std::exception& e) {
        return step_failed("Error booting node " + uuid + " after deploy. " + e.what());
    }
    forget_agent_progress(internal);
    forget_agent_connection(internal);
    task.node()["deploy_step"] = json::object();
    timeline_mark(internal, "active");
    log::info("agent_deploy.deployed", {{"node", uuid}, {"timeline", timeline_summary(internal)}});
    return HeartbeatOutcome::done();
}

void AgentDeploy::tear_down_agent(Task& task, AgentClient& agent) {
    const std::string uuid = task.node_uuid();
    auto& p = power_of(task);
    if (truthy(task.driver_info().value("deploy_forces_oob_reboot", json()))) {
        // Flush the file systems before the hard power off.
        try {
            json r = agent.run("standby.sync", json::object(), /*wait=*/true);
            if (r.value("command_status", "") == "FAILED")
                log::warning("agent_deploy.sync_failed", {{"node", uuid}, {"error", command_error(r)}});
        } catch (const std::exception& e) {
            log::warning("agent_deploy.sync_failed", {{"node", uuid}, {"error", e.what()}});
        }
        power(task, interfaces::kPowerOff);
        return;
    }
    // In-band first, so the ramdisk shuts down cleanly; then check with the
    // BMC, as Ironic's soft_power_off.
    std::string why;
    try {
        json r = agent.run("standby.power_off", json::object(), /*wait=*/false);
        if (r.value("command_status", "") == "FAILED") why = command_error(r);
        const int attempts = std::max(0, settings_.power_state_retries) + 1;
        for (int i = 0; why.empty() && i < attempts; ++i) {
            if (p.get_power_state(task) == interfaces::kPowerOff) {
                task.node()["power_state"] = interfaces::kPowerOff;
                forget_agent_connection(internal_of(task));
                log::info("agent_deploy.agent_powered_off", {{"node", uuid}});
                return;
            }
            // A refusal shows up in the agent's command list at once.
            try {
                auto last = agent.last_command();
                if (last && command_is(*last, "standby.power_off") && last->value("command_status", "") == "FAILED")
                    why = command_error(*last);
            } catch (const std::exception&) {
                // The agent going away is what we asked for.
            }
            if (why.empty() && i + 1 < attempts) std::this_thread::sleep_for(settings_.power_state_retry_interval);
        }
        if (why.empty())
            why = "the machine was still powered on after " + std::to_string(attempts) + " power state checks";
    } catch (const std::exception& e) {
        why = e.what();
    }
    log::warning("agent_deploy.soft_power_off_failed",
                 {{"node", uuid}, {"reason", why}, {"action", "forcing hard power off"}});
    power(task, interfaces::kPowerOff);
}

HeartbeatOutcome AgentDeploy::continue_cleaning(Task& task, AgentClient& agent) {
    json& internal = internal_of(task);
    const std::string uuid = task.node_uuid();
    const bool manual = string_of(task.node(), "target_provision_state") == "manageable";

    if (!internal.contains("agent_cached_clean_steps")) {
        refresh_steps(task, agent, "clean");
        const json& cached = internal["agent_cached_clean_steps"];
        json steps = json::array();
        if (manual) {
            for (const auto& wanted : internal.value("clean_steps", json::array())) {
                const json* found = nullptr;
                for (const auto& [interface, list] : cached.items())
                    for (const auto& step : list)
                        if (step["interface"] == wanted["interface"] && step["step"] == wanted["step"]) found = &step;
                if (!found)
                    return HeartbeatOutcome::failed("Node " + uuid +
                                                    " does not support this clean step: " + wanted.dump());
                json step = *found;
                step["args"] = wanted.value("args", json::object());
                steps.push_back(step);
            }
        } else {
            // Ironic's AgentBaseMixin.get_clean_steps: the agent's deploy
            // steps with the operator's priority overrides; 0 disables.
            for (json step : cached.value("deploy", json::array())) {
                const std::string name = string_of(step, "step");
                if (name == "erase_devices" && settings_.erase_devices_priority)
                    step["priority"] = *settings_.erase_devices_priority;
                if (name == "erase_devices_metadata" && settings_.erase_devices_metadata_priority)
                    step["priority"] = *settings_.erase_devices_metadata_priority;
                if (integer_of(step, "priority").value_or(0) > 0) steps.push_back(step);
            }
            std::stable_sort(steps.begin(), steps.end(), [](const json& a, const json& b) {
                return integer_of(a, "priority").value_or(0) > integer_of(b, "priority").value_or(0);
            });
        }
        internal["clean_steps"] = steps;
        // A manual clean that re-read the agent's steps goes on where it was.
        if (!internal.contains("clean_step_index")) internal["clean_step_index"] = 0;
        log::info("agent_deploy.clean_steps",
                  {{"node", uuid}, {"manual", manual ? "true" : "false"}, {"count", std::to_string(steps.size())}});
    }
    const json steps = internal.value("clean_steps", json::array());
    size_t index = static_cast<size_t>(std::max(0LL, integer_of(internal, "clean_step_index").value_or(0)));

    if (const std::string pending = string_of(internal, kPendingKey); !pending.empty()) {
        json command;
        const Poll poll = poll_pending(task, agent, command);
        if (poll == Poll::waiting) return HeartbeatOutcome::keep_waiting();
        const json current = index < steps.size() ? steps[index] : json::object();
        if (poll == Poll::failed) {
            const std::string status = command.value("command_status", "");
            if (status == "CLEAN_VERSION_MISMATCH" || status == "VERSION_MISMATCH") {
                // The agent's hardware managers changed: automated cleaning
                // starts over with its new steps, manual goes on from here.
                log::warning("agent_deploy.clean_version_mismatch", {{"node", uuid}, {"manual", manual ? "1" : "0"}});
                internal.erase(kPendingKey);
                if (!manual) {
                    internal.erase("agent_cached_clean_steps");
                    internal.erase("clean_step_index");
                    internal.erase("clean_steps");
                } else {
                    internal.erase("agent_cached_clean_steps");
                    internal["clean_steps"] = steps;  // re-checked against the new ones
                }
                return HeartbeatOutcome::keep_waiting();
            }
            task.node()["clean_step"] = json::object();
            internal.erase(kPendingKey);
            internal.erase("clean_step_index");
            if (status != "FAILED")
                return HeartbeatOutcome::failed("Agent returned unknown status for clean step " + current.dump() +
                                                " on node " + uuid + " : " + status + ".");
            const std::string message =
                "Clean step " + step_id(current) + " failed on node " + uuid + ". " + command_error(command);
            log::error("agent_deploy.clean_failed", {{"node", uuid}, {"error", message}});
            return HeartbeatOutcome::failed(message);
        }
        internal.erase(kPendingKey);
        log::info("agent_deploy.clean_step_done", {{"node", uuid}, {"step", step_id(current)}});
        internal["clean_step_index"] = ++index;
    }

    if (index < steps.size()) {
        const json& step = steps[index];
        task.node()["clean_step"] = step;
        internal["clean_step_index"] = index;
        json params = {{"step", step},
                       {"node", agent_view(task)},
                       {"ports", task.ports()},
                       {"clean_version", internal.value("hardware_manager_version", json())}};
        json r = agent.run(kExecuteCleanStep, params, /*wait=*/false);
        if (r.value("command_status", "") == "FAILED") {
            task.node()["clean_step"] = json::object();
            return HeartbeatOutcome::failed("Clean step " + step_id(step) + " failed on node " + uuid + ". " +
                                            command_error(r));
        }
        internal[kPendingKey] = kExecuteCleanStep;
        log::info("agent_deploy.clean_step_started", {{"node", uuid}, {"step", step_id(step)}});
        return HeartbeatOutcome::keep_waiting();
    }

    // Every step done: tear down cleaning (Ironic's tear_down_inband_cleaning).
    // With fast track the machine stays up with its agent, for the deploy.
    if (!settings_.fast_track) power(task, interfaces::kPowerOff);
    boot_of(task).clean_up_ramdisk(task);
    forget_agent_progress(internal);
    if (!settings_.fast_track) forget_agent_connection(internal);
    task.node()["clean_step"] = json::object();
    log::info("agent_deploy.cleaned", {{"node", uuid}, {"manual", manual ? "true" : "false"}});
    return HeartbeatOutcome::done();
}

}  // namespace ingot::deploy
