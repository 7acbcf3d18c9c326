#include "conductor/provisioning.h"

#include <chrono>

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "conductor/node_history.h"
#include "conductor/node_reservation.h"
#include "deploy/agent_client.h"
#include "conductor/provision_transitions.h"
#include "conductor/state_machine.h"
#include "interfaces/boot.h"
#include "interfaces/deploy.h"
#include "interfaces/management.h"
#include "interfaces/power.h"

namespace ingot::conductor {
namespace {

namespace st = states;
using nlohmann::json;

// States whose work may boot a ramdisk agent: a new one of them forgets the
// agent of the last (Ironic wipes its URL and token too).
bool starts_agent_operation(const std::string& state) {
    return state == st::kDeploying || state == st::kCleaning || state == st::kRescuing || state == st::kInspecting ||
           state == st::kDeleting;
}

bool automated_clean_enabled(Context& ctx, const db::Record& node) {
    const json& per_node = node["automated_clean"];
    return per_node.is_boolean() ? per_node.get<bool>() : ctx.config.get_bool("conductor", "automated_clean");
}

// cleaning: automated (steps null) ends in available, manual in manageable.
void run_clean(NodeJob& job, const json& steps, bool manual) {
    if (!manual && !automated_clean_enabled(job.ctx(), job.node())) {
        job.move("done", {{"last_error", nullptr}, {"clean_step", json::object()}}, true);
        return;
    }
    auto task = job.task();
    // As Ironic's do_node_clean: the power interface must work; the deploy
    // interface's validate is about deploying (an image), not cleaning.
    job.ctx().drivers->power(job.node()["power_interface"].get<std::string>()).validate(task);
    auto& deploy = job.ctx().drivers->deploy(job.node()["deploy_interface"].get<std::string>());
    auto result = deploy.clean(task, steps);
    json changes = job.interface_changes(task);
    if (!changes.contains("clean_step")) changes["clean_step"] = json::object();
    if (result == interfaces::DeployResult::wait_for_callback) {
        job.move("wait", changes, true, manual);
        return;
    }
    changes["last_error"] = nullptr;
    job.move(manual ? "manage" : "done", changes, true);
}

void run_verify(NodeJob& job) {
    auto task = job.task();
    auto& power = job.ctx().drivers->power(job.node()["power_interface"].get<std::string>());
    power.validate(task);
    job.ctx().drivers->management(job.node()["management_interface"].get<std::string>()).validate(task);
    std::string state = power.get_power_state(task);
    json changes = job.interface_changes(task);
    changes["power_state"] = state;
    changes["last_error"] = nullptr;
    job.move("done", changes, true);
}

void run_deploy(NodeJob& job) {
    auto task = job.task();
    const auto& d = *job.ctx().drivers;
    d.boot(job.node()["boot_interface"].get<std::string>()).validate(task);
    d.power(job.node()["power_interface"].get<std::string>()).validate(task);
    auto& deploy = d.deploy(job.node()["deploy_interface"].get<std::string>());
    deploy.validate(task);
    auto result = deploy.deploy(task);
    json changes = job.interface_changes(task);
    if (result == interfaces::DeployResult::wait_for_callback) {
        // deploy_step shows what the interface waits in, if it says.
        if (!changes.contains("deploy_step")) changes["deploy_step"] = json::object();
        job.move("wait", changes, true);
        return;
    }
    changes["deploy_step"] = json::object();
    changes["last_error"] = nullptr;
    job.move("done", changes, true);
}

void run_delete(NodeJob& job) {
    auto task = job.task();
    const auto& d = *job.ctx().drivers;
    d.deploy(job.node()["deploy_interface"].get<std::string>()).tear_down(task);
    d.boot(job.node()["boot_interface"].get<std::string>()).clean_up_instance(task);
    json changes = job.interface_changes(task);
    // The instance is gone; so is what described it.
    changes["instance_info"] = json::object();
    changes["instance_uuid"] = nullptr;
    job.move("clean", changes);
    run_clean(job, nullptr, /*manual=*/false);
}

void run_simple_done(NodeJob& job, json changes = json::object()) {
    changes["last_error"] = nullptr;
    job.move("done", changes, true);
}

using Step = std::function<void(NodeJob&)>;

void run_job(Context& ctx, db::Record node, const std::string& from, const std::string& action, Step step) {
    // The API moved the node into its in-progress state; announcing that
    // here keeps the history in order with what the job records next.
    announce_transition(ctx, from, node);
    NodeJob job(ctx, std::move(node));
    const auto started = std::chrono::steady_clock::now();
    log::info("provision.start", {{"node", job.uuid()}, {"action", action}, {"state", provision_state_of(job.node())}});
    try {
        step(job);
    } catch (const std::exception& e) {
        try {
            job.fail(e.what());
        } catch (const std::exception& again) {
            // The node stays locked in its in-progress state; the next
            // conductor start moves it to the failure state.
            log::error("provision.fail_not_recorded", {{"node", job.uuid()}, {"error", again.what()}});
            return;
        }
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    log::info("provision.end", {{"node", job.uuid()},
                                {"action", action},
                                {"state", provision_state_of(job.node())},
                                {"duration_ms", std::to_string(ms.count())}});
}

void check_arguments(const ProvisionRequest& r) {
    if (!r.configdrive.is_null() && r.verb != "active" && r.verb != "deploy" && r.verb != "rebuild")
        throw InvalidInput("Adding a config drive is only supported when setting provision state to active or rebuild");
    if (!r.clean_steps.is_null() && r.verb != "clean")
        throw InvalidInput("\"clean_steps\" is only valid when setting target provision state to clean");
    if (r.verb == "clean" && r.clean_steps.is_null())
        throw InvalidInput("\"clean_steps\" is required when setting target provision state to clean");
    if (!r.clean_steps.is_null() && !r.clean_steps.is_array())
        throw InvalidInput("Invalid clean_steps: must be a list of steps.");
    if (!r.deploy_steps.is_null() && r.verb != "active" && r.verb != "deploy" && r.verb != "rebuild")
        throw InvalidInput("\"deploy_steps\" is only valid when setting target provision state to active or rebuild");
    if (!r.deploy_steps.is_null() && !r.deploy_steps.is_array())
        throw InvalidInput("Invalid deploy_steps: must be a list of steps.");
    if (r.verb == "rescue" && (!r.rescue_password || r.rescue_password->empty()))
        throw InvalidInput("A non-empty \"rescue_password\" is required when setting target provision state to rescue");
    if (r.rescue_password && r.verb != "rescue")
        throw InvalidInput("\"rescue_password\" is only valid when setting target provision state to rescue");
    if (!r.configdrive.is_null() && !r.configdrive.is_string() && !r.configdrive.is_object())
        throw InvalidInput("Invalid configdrive: must be a string (base64 gzipped ISO or URL) or a JSON object.");
}

void check_deploy_capacity(Context& ctx) {
    const long long limit = ctx.config.get_int("conductor", "max_concurrent_deploy");
    db::Session s(*ctx.database);
    long long running = s.count(db::nodes_table(), {{"provision_state", db::Filter::Op::eq, st::kDeploying}}) +
                        s.count(db::nodes_table(), {{"provision_state", db::Filter::Op::eq, st::kDeployWait}});
    if (running >= limit) {
        throw ServiceUnavailable(
            "Unable to process request at this time. The concurrent deploy action limit for "
            "conductor " +
            ctx.hostname + " has been reached. Please retry later.");
    }
}

// "By request, ... aborted during or after the completion of step
// "deploy.write_image"", as Ironic's do_node_deploy_abort words it.
std::string deploy_abort_message(const json& deploy_step) {
    std::string message = "By request, the deploy operation was aborted";
    if (deploy_step.is_object() && deploy_step.contains("step"))
        message += " during or after the completion of step \"" + deploy_step.value("interface", "") + "." +
                   deploy_step.value("step", "") + "\"";
    return message;
}

// The ramdisk's boot files go; the machine is left as it is (powered, so an
// operator can look at it), and its agent can no longer drive the node.
void run_deploy_abort(Context& ctx, db::Record locked, const std::string& from) {
    announce_transition(ctx, from, locked);
    const int64_t id = locked["id"].get<int64_t>();
    try {
        auto task = make_task(ctx, locked);
        ctx.drivers->boot(locked["boot_interface"].get<std::string>()).clean_up_ramdisk(task);
        release_node(ctx, id);
    } catch (const std::exception& e) {
        const std::string message =
            std::string("Failed to clean up deploying after aborting the operation. Error: ") + e.what();
        record_history(ctx, id, "provisioning", "ERROR", message);
        log::error("provision.abort_clean_up_failed", {{"node", locked["uuid"]}, {"error", e.what()}});
        release_node(ctx, id, {{"last_error", message}});
    }
}

// Abort of "wait call-back": at once the node is "deploy failed" and its
// agent's URL and token are gone (its heartbeats are refused); a worker
// cleans the ramdisk's boot up. No automated cleaning, as in Ironic.
void start_deploy_abort(Context& ctx, const db::Record& node) {
    json changes = enter_state(st::kDeployFailed);
    changes["last_error"] = deploy_abort_message(node["deploy_step"]);
    changes["deploy_step"] = json::object();
    json internal = node["driver_internal_info"];
    forget_agent(internal);
    changes["driver_internal_info"] = internal;
    db::Record locked = reserve_node(ctx, node["id"].get<int64_t>(), changes);
    if (!ctx.workers->try_submit([&ctx, locked] { run_deploy_abort(ctx, locked, st::kDeployWait); })) {
        json undo = {{"provision_state", st::kDeployWait}};
        for (const char* column : {"target_provision_state", "provision_updated_at", "last_error", "deploy_step",
                                   "driver_internal_info"})
            undo[column] = node[column];
        release_node(ctx, locked["id"].get<int64_t>(), undo);
        throw ServiceUnavailable("No free conductor workers available");
    }
    log::info("provision.deploy_aborted", {{"node", node["uuid"]}, {"reason", changes["last_error"]}});
}

}  // namespace

void start_provision_action(Context& ctx, const db::Record& node, const ProvisionRequest& request) {
    check_arguments(request);
    const auto* verb = st::find_verb(request.verb);
    const std::string uuid = node["uuid"].get<std::string>();
    const std::string from = provision_state_of(node);
    auto to = verb ? st::next_state(from, verb->event) : std::nullopt;
    if (!to) {
        if (verb && !node["reservation"].is_null()) throw_node_locked(node);
        throw InvalidInput("The requested action \"" + request.verb + "\" can not be performed on node \"" + uuid +
                           "\" while it is in state \"" + from + "\".");
    }
    const std::string event = verb->event;
    if (from == st::kDeployWait && event == "abort") return start_deploy_abort(ctx, node);
    if ((event == "deploy" || event == "rebuild") && node["maintenance"] == true)
        throw InvalidInput("Node " + uuid + " is in maintenance mode.");
    if ((event == "rebuild" || event == "delete") && node["protected"] == true)
        throw Forbidden("Node " + uuid + " is protected and cannot be undeployed, rebuilt or deleted");
    if (event == "deploy" || event == "rebuild") check_deploy_capacity(ctx);

    const bool manual_clean = event == "clean";
    json changes = enter_state(*to, manual_clean);
    changes["last_error"] = nullptr;
    if (!request.configdrive.is_null() || !request.deploy_steps.is_null()) {
        json info = node["instance_info"];
        if (!request.configdrive.is_null()) info["configdrive"] = request.configdrive;
        changes["instance_info"] = info;
    }
    if (!request.deploy_steps.is_null() || request.rescue_password || starts_agent_operation(*to)) {
        json internal = node["driver_internal_info"];
        if (starts_agent_operation(*to)) {
            // Fast track keeps a live agent (its URL and token) for the deploy.
            const bool keep = ctx.config.get_bool("deploy", "fast_track") &&
                              (*to == st::kDeploying || *to == st::kCleaning) &&
                              deploy::agent_alive(node, std::chrono::seconds(ctx.config.get_int("deploy", "fast_track_timeout")));
            if (keep)
                deploy::forget_agent_progress(internal);
            else
                forget_agent(internal);
        }
        if (!request.deploy_steps.is_null()) internal["user_deploy_steps"] = request.deploy_steps;
        if (request.rescue_password) internal["rescue_password"] = *request.rescue_password;
        changes["driver_internal_info"] = internal;
    }
    db::Record locked = reserve_node(ctx, node["id"].get<int64_t>(), changes);

    // Transitions that need no work finish here (manage from available or a
    // failed state, abort of a wait).
    if (st::is_stable(*to) || event == "abort") {
        announce_transition(ctx, from, release_node(ctx, locked["id"].get<int64_t>()));
        return;
    }

    Step step;
    if (*to == st::kVerifying)
        step = run_verify;
    else if (*to == st::kCleaning) {
        json steps = request.clean_steps;
        step = [steps, manual_clean](NodeJob& j) { run_clean(j, manual_clean ? steps : json(nullptr), manual_clean); };
    } else if (*to == st::kDeploying)
        step = run_deploy;
    else if (*to == st::kDeleting)
        step = run_delete;
    else if (*to == st::kInspecting) {
        step = [](NodeJob& j) {
            run_simple_done(j, {{"inspection_started_at", utc_now_iso()}, {"inspection_finished_at", utc_now_iso()}});
        };
    } else {
        // adopting, rescuing, unrescuing: the interfaces that would act
        // (rescue, an agent) are validation-only so far.
        step = [](NodeJob& j) { run_simple_done(j); };
    }
    const std::string action = request.verb;
    bool accepted =
        ctx.workers->try_submit([&ctx, locked, from, action, step] { run_job(ctx, locked, from, action, step); });
    if (!accepted) {
        // Undo: back to where it was, unlocked.
        json undo = {{"provision_state", from},
                     {"target_provision_state", node["target_provision_state"]},
                     {"provision_updated_at", node["provision_updated_at"]}};
        release_node(ctx, locked["id"].get<int64_t>(), undo);
        throw ServiceUnavailable("No free conductor workers available");
    }
}

}  // namespace ingot::conductor
