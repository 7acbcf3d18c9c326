// Actions (Bareon's pluggable steps): partitioning, image, configdrive,
// bootloader. They share one DeployPlan; each checks that what it needs is
// there before anything runs, and states the exact commands it will run,
// so that plan mode prints what a deploy would do without doing it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/process.h"
#include "ramdisk-agent/image/format_inspector.h"
#include "ramdisk-agent/plan/objects.h"
#include "ramdisk-agent/plan/registry.h"

namespace ingot::agent::plan {

using Command = std::vector<std::string>;
// Runs one command; tests substitute a recorder. The default is run_process.
using CommandRunner = std::function<ProcessResult(const Command&)>;

class Action {
public:
    virtual ~Action() = default;
    // Throws PlanError when the plan lacks what this action needs. May
    // complete the plan (partitioning reserves the config-2 partition a
    // queued config drive needs) but never touches a device.
    virtual void validate(DeployPlan& plan) const = 0;
    // Every command run() will run, in order, as argument vectors.
    virtual std::vector<Command> commands(const DeployPlan& plan) const = 0;
    // What the action does besides commands (files it writes, work another
    // component does), for plan mode. One line each.
    virtual std::vector<std::string> notes(const DeployPlan&) const { return {}; }
    // Runs commands(plan) through `runner`, stopping at the first failure.
    virtual void run(const DeployPlan& plan, const CommandRunner& runner) const;
};

// What execute_plan hands an action besides the plan.
struct RunContext {
    CommandRunner runner;
    TlsVerification tls;  // image downloads (the node's agent_verify_ca)
    // What images may be written (the conductor's lookup config); last, so
    // that plugins built before it keep the layout of what precedes it.
    image::ImagePolicy image_policy;
};

// Implemented, besides Action, by built-in actions that need more than a
// command runner (the image action needs the TLS settings); execute_plan
// calls this run() instead of Action::run. A separate interface rather
// than a new virtual in Action, so that plugins built against Action keep
// their vtable layout (plugin ABI 1).
class ContextualAction {
public:
    virtual ~ContextualAction() = default;
    virtual void run(const DeployPlan& plan, const RunContext& context) const = 0;
};

inline constexpr const char* kActionsNamespace = "ingot.agent.actions";

// The registry with the built-in actions in it.
Registry<Action>& actions();
// The order a deploy runs the built-ins in.
const std::vector<std::string>& action_order();
// Every registered action in the order a deploy runs them: the built-ins
// (action_order()), then plugin actions in name order.
std::vector<std::string> deploy_order();

// run_process with a generous timeout (mkfs on a large disk is slow); logs
// each command's output.
CommandRunner process_runner();
// Runs each command; throws ingot::Error naming the command and its stderr
// when one fails.
void run_commands(const std::vector<Command>& commands, const CommandRunner& runner);

std::unique_ptr<Action> make_partitioning_action();
std::unique_ptr<Action> make_image_action();
std::unique_ptr<Action> make_configdrive_action();
std::unique_ptr<Action> make_bootloader_action();

}  // namespace ingot::agent::plan
