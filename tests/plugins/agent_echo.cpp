// An agent plugin as a third party would write one: an action that states
// one command, and an input driver that reads a tiny document of its own.
// The agent plugin test loads it into a real ingot-agent.
#include "ramdisk-agent/plan/plugin.h"
#include "ramdisk-agent/plan/plan_error.h"

namespace {

using ingot::agent::plan::Command;
using ingot::agent::plan::DeployPlan;

class EchoAction : public ingot::agent::plan::Action {
public:
    void validate(DeployPlan&) const override {}
    std::vector<Command> commands(const DeployPlan& plan) const override {
        return {{"echo", "echo-plugin", "disks=" + std::to_string(plan.disks.size())}};
    }
};

// {"disk_name": "/dev/loop7"}: one disk chosen by name, left as it is.
class EchoDriver : public ingot::agent::plan::InputDriver {
public:
    DeployPlan parse(const nlohmann::json& document) const override {
        if (!document.is_object() || !document.contains("disk_name") || !document["disk_name"].is_string())
            throw ingot::agent::plan::PlanError("disk_name", "is required (a device name)");
        DeployPlan plan;
        ingot::agent::plan::Disk disk;
        disk.id = "disk0";
        disk.hints = {{"name", document["disk_name"]}};
        plan.disks.push_back(disk);
        return plan;
    }
};

void register_all(ingot::agent::plan::AgentRegistries& r) {
    r.actions.add("echo", "Echoes the number of disks (test plugin)", [] { return std::make_unique<EchoAction>(); });
    r.input_drivers.add("echo", "One disk by name (test plugin)", [] { return std::make_unique<EchoDriver>(); });
}

}  // namespace

INGOT_AGENT_PLUGIN(register_all)
