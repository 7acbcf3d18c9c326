// An agent plugin that registers an action and then fails: the agent must
// keep nothing of it.
#include "ramdisk-agent/plan/plugin.h"

#include <stdexcept>

namespace {

class Never : public ingot::agent::plan::Action {
public:
    void validate(ingot::agent::plan::DeployPlan&) const override {}
    std::vector<ingot::agent::plan::Command> commands(const ingot::agent::plan::DeployPlan&) const override {
        return {{"false"}};
    }
};

void register_all(ingot::agent::plan::AgentRegistries& r) {
    r.actions.add("half-registered", "never seen", [] { return std::make_unique<Never>(); });
    throw std::runtime_error("cannot read my configuration");
}

}  // namespace

INGOT_AGENT_PLUGIN(register_all)
