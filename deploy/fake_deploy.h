// The fake deploy interface: "deploys" at once, for tests and fake-hardware.
#pragma once

#include "interfaces/deploy.h"

namespace ingot::deploy {

class FakeDeploy : public interfaces::DeployInterface {
public:
    interfaces::DeployResult deploy(interfaces::Task&) override { return interfaces::DeployResult::done; }
    void tear_down(interfaces::Task&) override {}
};

}  // namespace ingot::deploy
