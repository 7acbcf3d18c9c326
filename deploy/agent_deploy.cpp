#include "deploy/agent_deploy.h"

namespace ingot::deploy {

std::vector<interfaces::PropertySpec> AgentDeploy::properties() const {
    return {{"deploy_forces_oob_reboot",
             "Whether Ironic should force a reboot of the Node via the out-of-band channel after deployment is "
             "complete. Provides compatibility with older deploy ramdisks. Defaults to False. Optional.",
             false}};
}

void AgentDeploy::validate(const interfaces::Task& task) const {
    const auto& info = task.driver_info();
    if (info.contains("deploy_forces_oob_reboot")) {
        const auto& v = info["deploy_forces_oob_reboot"];
        bool ok = v.is_boolean() || (v.is_string() && (v == "true" || v == "false" || v == "True" || v == "False"));
        if (!ok) throw interfaces::InvalidParameter("deploy_forces_oob_reboot must be a boolean, got " + v.dump());
    }
}

interfaces::DeployResult AgentDeploy::deploy(interfaces::Task& task) {
    throw interfaces::UnsupportedOperation(
        "The direct deploy interface cannot deploy node " + task.node_uuid() +
        " yet: the ramdisk agent protocol is not implemented in this Ingot release.");
}

void AgentDeploy::tear_down(interfaces::Task& task) {
    throw interfaces::UnsupportedOperation("The direct deploy interface cannot tear down node " + task.node_uuid() +
                                           " yet.");
}

interfaces::DeployResult AgentDeploy::clean(interfaces::Task& task, const nlohmann::json&) {
    throw interfaces::UnsupportedOperation(
        "The direct deploy interface cannot clean node " + task.node_uuid() +
        " yet: the ramdisk agent protocol is not implemented in this Ingot release.");
}

}  // namespace ingot::deploy
