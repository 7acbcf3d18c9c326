// The agent deploy interface, registered as "direct" (Ironic's only name for
// it): the ramdisk agent writes the image. deploy() and clean() boot
// the ramdisk (boot interface + power) and wait; each heartbeat of the agent
// then moves the operation on, as Ironic's agent_base.py does:
//
//   deploy (wait call-back): deploy.get_deploy_steps once, then the
//     write_image step through deploy.execute_deploy_step (async, polled
//     with GET /v1/commands/), for partition images
//     standby.get_partition_uuids + image.install_bootloader (polled), then
//     boot.prepare_instance, power off (the agent's standby.power_off unless
//     driver_info.deploy_forces_oob_reboot, else out of band) and power on.
//   clean (clean wait): clean.get_clean_steps once, then each step in
//     priority order (automated) or as requested (manual) through
//     clean.execute_clean_step, polled; then power off and clean up the
//     ramdisk.
//
// The progress lives in driver_internal_info (deploy_steps,
// deploy_step_index, clean_steps, clean_step_index, agent_cached_*_steps,
// agent_pending_command), and the node's deploy_step / clean_step show the
// step running, so any conductor can continue at the next heartbeat.
#pragma once

#include <chrono>
#include <optional>

#include "common/file_source.h"
#include "deploy/agent_client.h"
#include "interfaces/deploy.h"

namespace ingot::deploy {

// What the interface takes from the conductor's configuration.
struct AgentDeploySettings {
    AgentClientSettings client;
    // A power action's limit ([conductor] power_action_timeout).
    std::chrono::seconds power_timeout{120};
    // After asking the agent to power off: checks of the power state before
    // forcing it off out of band ([agent] post_deploy_get_power_state_*).
    int power_state_retries = 6;
    std::chrono::milliseconds power_state_retry_interval{std::chrono::seconds(5)};
    // [deploy] erase_devices(_metadata)_priority: unset keeps the agent's.
    std::optional<int> erase_devices_priority;
    std::optional<int> erase_devices_metadata_priority;
    // [deploy] power_off_after_deploy_failure
    bool power_off_after_deploy_failure = true;
    // [agent] stream_raw_images, passed in image_info.
    bool stream_raw_images = true;
    // [agent] allow_md5_checksum: MD5 image checksums are refused otherwise.
    bool allow_md5_checksum = false;
    // [conductor] file_url_allowed_paths, for a local instance image_source.
    FileSourcePolicy file_sources;
    // [deploy] fast_track(_timeout): reuse a running agent instead of
    // rebooting into the ramdisk; after cleaning, leave it running.
    bool fast_track = false;
    std::chrono::seconds fast_track_timeout{300};
};

class AgentDeploy : public interfaces::DeployInterface {
public:
    explicit AgentDeploy(AgentDeploySettings settings = {}) : settings_(std::move(settings)) {}

    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    interfaces::DeployResult deploy(interfaces::Task& task) override;
    void tear_down(interfaces::Task& task) override;
    interfaces::DeployResult clean(interfaces::Task& task, const nlohmann::json& clean_steps) override;
    interfaces::HeartbeatOutcome heartbeat(interfaces::Task& task, const nlohmann::json& agent_info) override;

    // The image_info of the write_image step, built from instance_info as
    // Ironic's AgentDeploy.write_image does.
    nlohmann::json image_info(const interfaces::Task& task) const;

private:
    interfaces::HeartbeatOutcome continue_deploy(interfaces::Task& task, AgentClient& agent);
    interfaces::HeartbeatOutcome continue_cleaning(interfaces::Task& task, AgentClient& agent);
    interfaces::HeartbeatOutcome deploy_failed(interfaces::Task& task, const std::string& message);
    void tear_down_agent(interfaces::Task& task, AgentClient& agent);
    void power(interfaces::Task& task, const std::string& state);

    AgentDeploySettings settings_;
};

}  // namespace ingot::deploy
