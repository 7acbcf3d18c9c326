#include "deploy/builtin.h"

#include "deploy/fake_deploy.h"

namespace ingot::deploy {

void register_builtin(interfaces::Registry& r, const DeploySettings& settings) {
    using interfaces::DeployInterface;
    const std::string ns = interfaces::interface_namespace("deploy");
    r.add<DeployInterface>({ns, "fake", "1.0", "Deploys at once without touching a machine; for tests"},
                           [] { return std::make_unique<FakeDeploy>(); });
    // Ironic's only name for it is "direct" (its pyproject.toml has no
    // "agent" deploy entry point), so no other name is accepted.
    r.add<DeployInterface>({ns, "direct", "1.0", "The ramdisk agent downloads and writes the image"},
                           [s = settings.agent] { return std::make_unique<AgentDeploy>(s); });
}

}  // namespace ingot::deploy
