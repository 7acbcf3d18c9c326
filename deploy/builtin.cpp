#include "deploy/builtin.h"

#include "deploy/agent_deploy.h"
#include "deploy/fake_deploy.h"

namespace ingot::deploy {

void register_builtin(interfaces::Registry& r) {
    using interfaces::DeployInterface;
    const std::string ns = interfaces::interface_namespace("deploy");
    r.add<DeployInterface>({ns, "fake", "1.0", "Deploys at once without touching a machine; for tests"},
                           [] { return std::make_unique<FakeDeploy>(); });
    r.add<DeployInterface>({ns, "direct", "1.0", "The ramdisk agent downloads and writes the image"},
                           [] { return std::make_unique<AgentDeploy>(); });
}

}  // namespace ingot::deploy
