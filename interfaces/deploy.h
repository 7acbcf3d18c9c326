// How the image reaches the disk: agent, iSCSI, torrent. Independent of how
// the machine boots (boot.h), so any boot interface pairs with any deploy one.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "interfaces/base_interface.h"

namespace ingot::interfaces {

enum class DeployResult {
    done,               // the node is deployed
    wait_for_callback,  // the agent will call back (heartbeat) to continue
};

// What the conductor does with a node in a wait state (`wait call-back`,
// `clean wait`) after its deploy interface handled an agent's heartbeat.
struct HeartbeatOutcome {
    enum class Action {
        keep_waiting,  // the operation goes on; the agent heartbeats again
        done,          // finished: the node resumes and leaves the wait state
                       // (deploy -> active; clean -> available or manageable)
        failed,        // -> deploy failed / clean failed with `error` as last_error
    };
    Action action = Action::keep_waiting;
    std::string error;  // for failed: what the operator sees (no secrets)

    static HeartbeatOutcome keep_waiting() { return {}; }
    static HeartbeatOutcome done() { return {Action::done, {}}; }
    static HeartbeatOutcome failed(std::string message) { return {Action::failed, std::move(message)}; }
};

class DeployInterface : public BaseInterface {
public:
    virtual DeployResult deploy(Task& task) = 0;
    // Undoes a deployment (the node goes on to cleaning).
    virtual void tear_down(Task& task) = 0;
    // Cleans the node: the given clean steps (manual cleaning) or the
    // interface's automated ones when `clean_steps` is null.
    virtual DeployResult clean(Task& task, const nlohmann::json& clean_steps) { return DeployResult::done; }
    // A ramdisk agent reported in while the node waits (`wait call-back`,
    // `clean wait`, ...); `agent_info` is the heartbeat body without the
    // token. The interface may record progress in the task's node:
    // driver_internal_info, instance_info, power_state, deploy_step and
    // clean_step are saved, and the conductor moves the node on as the
    // outcome says. Runs on a conductor worker under the node's lock.
    virtual HeartbeatOutcome heartbeat(Task& task, const nlohmann::json& agent_info) { return {}; }
    // This conductor takes over a deployed node from another one.
    virtual void take_over(Task& task) {}
};

}  // namespace ingot::interfaces
