// Registers the deploy interfaces Ingot ships ("ingot.deploy").
#pragma once

#include "deploy/agent_deploy.h"
#include "interfaces/registry.h"

namespace ingot::deploy {

// What the interfaces take from the conductor's configuration.
struct DeploySettings {
    AgentDeploySettings agent;
};

void register_builtin(interfaces::Registry& registry, const DeploySettings& settings = {});

}  // namespace ingot::deploy
