// Moving a node through the provision state machine while this conductor
// holds its lock, shared by the provisioning jobs (provisioning.cpp) and the
// agents' heartbeats (agent_heartbeat.cpp): every transition is saved,
// recorded in the node's history and told to extensions; a failure sets
// last_error and adds an ERROR row, as Ironic's error handlers do.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "conductor/context.h"
#include "db/store.h"
#include "interfaces/task.h"

namespace ingot::conductor {

std::string provision_state_of(const db::Record& node);

// Column changes that put a node into `to` (state, target, time).
nlohmann::json enter_state(const std::string& to, bool manual_clean = false);

// Records "Provision state changed from ..." in the history and tells
// extensions, when `saved` is in another state than `from`.
void announce_transition(Context& ctx, const std::string& from, const db::Record& saved);

// The task an interface works on: the node, its boot/power/management
// interfaces and its ports.
interfaces::Task make_task(Context& ctx, const db::Record& node);

// What an interface changed in the task's node that is saved:
// driver_internal_info always; instance_info, power_state, deploy_step and
// clean_step when they differ from `before`.
nlohmann::json interface_changes(const db::Record& before, const interfaces::Task& task);

// Forgets the previous ramdisk agent (URL, token, last heartbeat, cached
// steps, step bookkeeping) in a node's driver_internal_info, so an agent of
// an earlier operation cannot drive a new one; a new lookup mints a new token.
void forget_agent(nlohmann::json& driver_internal_info);

// The work on one node while this conductor holds its lock.
class NodeJob {
public:
    NodeJob(Context& ctx, db::Record node) : ctx_(ctx), node_(std::move(node)) {}

    std::string uuid() const { return node_["uuid"].get<std::string>(); }
    int64_t id() const { return node_["id"].get<int64_t>(); }
    db::Record& node() { return node_; }
    Context& ctx() { return ctx_; }
    interfaces::Task task() const { return make_task(ctx_, node_); }
    // interface_changes() against the node as this job last saved it.
    nlohmann::json interface_changes(const interfaces::Task& task) const {
        return conductor::interface_changes(node_, task);
    }

    // Moves the node on by `event`, saving `changes` with the new state;
    // `release` ends the job's hold on the node. Throws Error when the state
    // machine has no such transition.
    void move(const std::string& event, nlohmann::json changes = nlohmann::json::object(), bool release = false,
              bool manual_clean = false);

    // Fails the current operation: last_error set, an ERROR history row,
    // node released; `changes` are saved with it.
    void fail(const std::string& message, nlohmann::json changes = nlohmann::json::object());

private:
    Context& ctx_;
    db::Record node_;
};

}  // namespace ingot::conductor
