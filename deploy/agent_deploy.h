// The agent deploy interface ("direct" in Ironic): the ramdisk agent writes
// the image. Its validation is complete; the heartbeat-driven deploy comes
// with the ramdisk-agent work, and until then deploying refuses clearly.
#pragma once

#include "interfaces/deploy.h"

namespace ingot::deploy {

class AgentDeploy : public interfaces::DeployInterface {
public:
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    interfaces::DeployResult deploy(interfaces::Task& task) override;
    void tear_down(interfaces::Task& task) override;
    interfaces::DeployResult clean(interfaces::Task& task, const nlohmann::json& clean_steps) override;
};

}  // namespace ingot::deploy
