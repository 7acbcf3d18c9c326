// How the image reaches the disk: agent, iSCSI, torrent. Independent of how
// the machine boots (boot.h), so any boot interface pairs with any deploy one.
#pragma once

#include <nlohmann/json.hpp>

#include "interfaces/base_interface.h"

namespace ingot::interfaces {

enum class DeployResult {
    done,               // the node is deployed
    wait_for_callback,  // the agent will call back (heartbeat) to continue
};

class DeployInterface : public BaseInterface {
public:
    virtual DeployResult deploy(Task& task) = 0;
    // Undoes a deployment (the node goes on to cleaning).
    virtual void tear_down(Task& task) = 0;
    // Cleans the node: the given clean steps (manual cleaning) or the
    // interface's automated ones when `clean_steps` is null.
    virtual DeployResult clean(Task& task, const nlohmann::json& clean_steps) { return DeployResult::done; }
    // A ramdisk agent reported in; `agent_info` is the heartbeat body.
    virtual void heartbeat(Task& task, const nlohmann::json& agent_info) {}
    // This conductor takes over a deployed node from another one.
    virtual void take_over(Task& task) {}
};

}  // namespace ingot::interfaces
