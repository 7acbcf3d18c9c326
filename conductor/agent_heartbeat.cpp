#include "conductor/agent_heartbeat.h"

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/x509.h"
#include "conductor/agent_token.h"
#include "conductor/node_reservation.h"
#include "conductor/provision_transitions.h"
#include "conductor/state_machine.h"
#include "interfaces/deploy.h"

namespace ingot::conductor {

using nlohmann::json;

bool heartbeat_allowed(const std::string& state) {
    namespace st = states;
    return state == st::kDeployWait || state == st::kCleanWait || state == st::kRescueWait || state == st::kInspectWait;
}

bool fast_track_state(const std::string& state) {
    namespace st = states;
    return state == st::kAvailable || state == st::kManageable || state == st::kEnroll;
}

namespace {

// Moves the node on as its deploy interface decided, saving what the
// interface recorded (driver_internal_info, steps, power state) with it.
void apply_outcome(NodeJob& job, const std::string& state, const interfaces::HeartbeatOutcome& outcome, json changes) {
    using Action = interfaces::HeartbeatOutcome::Action;
    switch (outcome.action) {
        case Action::keep_waiting:
            // Ironic's touch_provisioning: the callback timeout counts from
            // the agent's last sign of life, not from the start.
            changes["provision_updated_at"] = utc_now_iso();
            release_node(job.ctx(), job.id(), changes);
            return;
        case Action::done: {
            // For a manual clean the node goes back to manageable.
            const bool manual_clean =
                state == states::kCleanWait && job.node()["target_provision_state"] == json(states::kManageable);
            job.move("resume", std::move(changes), /*release=*/false, manual_clean);
            job.move(manual_clean ? "manage" : "done", {{"last_error", nullptr}}, /*release=*/true, manual_clean);
            log::info("agent.operation_done", {{"node", job.uuid()}, {"state", provision_state_of(job.node())}});
            return;
        }
        case Action::failed:
            job.fail(outcome.error.empty() ? "The deploy interface failed without a message" : outcome.error,
                     std::move(changes));
            return;
    }
}

const json& internal_of(const db::Record& node) {
    static const json empty = json::object();
    auto it = node.find("driver_internal_info");
    return it != node.end() && it->is_object() ? *it : empty;
}

// Why a heartbeat that passed the API's checks is dropped now that the node
// is locked (a revocation, a new operation or a racing heartbeat came in
// between); "" when it goes on.
std::string stale_reason(Context& ctx, const db::Record& node, const json& agent_info, const HeartbeatOrigin& origin) {
    const json& internal = internal_of(node);
    if (!agent_token_valid(node, origin.token)) return "its token is no longer the node's";
    const std::string bound = internal.value(kAgentAddressKey, std::string());
    if (ctx.config.get_bool("api", "agent_heartbeat_address_check") && !bound.empty() && bound != origin.address)
        return "it came from " + origin.address + ", not from " + bound + ", the address of the token";
    if (internal.contains("agent_url") && internal["agent_url"] != agent_info.value("callback_url", std::string()))
        return "it changes the agent's callback_url";
    if (internal.contains("agent_verify_ca") && agent_info.contains("agent_verify_ca") &&
        internal["agent_verify_ca"] != agent_info["agent_verify_ca"])
        return "it changes the agent's certificate";
    return "";
}

// How the conductor will talk to the agent, for the log.
std::string agent_tls_mode(const json& internal) {
    if (!starts_with(internal.value("agent_url", std::string()), "https://")) return "none";
    return internal.contains("agent_verify_ca") ? "pinned" : "ca";
}

// Records the agent in driver_internal_info; its first heartbeat pins its
// certificate and is logged with how it came and how it will be reached.
void record_agent(json& internal, const std::string& uuid, const json& agent_info, const HeartbeatOrigin& origin) {
    const bool first = !internal.contains("agent_url");
    internal["agent_url"] = agent_info.value("callback_url", std::string());
    internal["agent_last_heartbeat"] = utc_now_iso();
    if (agent_info.contains("agent_version") && agent_info["agent_version"].is_string())
        internal["agent_version"] = agent_info["agent_version"];
    if (agent_info.contains("agent_verify_ca") && agent_info["agent_verify_ca"].is_string())
        internal["agent_verify_ca"] = agent_info["agent_verify_ca"];
    // A pregenerated token was issued to no address: the first heartbeat's it is.
    if (internal.value(kAgentAddressKey, std::string()).empty()) internal[kAgentAddressKey] = origin.address;
    if (!first) return;
    std::string fingerprint;
    if (internal.contains("agent_verify_ca")) {
        try {
            fingerprint = x509::inspect_pem(internal["agent_verify_ca"].get<std::string>()).sha256_fingerprint;
        } catch (const std::exception&) {
        }
    }
    log::info("agent.connected", {{"node", uuid},
                                  {"address", origin.address},
                                  {"api_scheme", origin.scheme},
                                  {"callback_url", internal["agent_url"].get<std::string>()},
                                  {"agent_tls", agent_tls_mode(internal)},
                                  {"certificate_sha256", fingerprint}});
}

}  // namespace

void process_heartbeat(Context& ctx, int64_t node_id, const json& agent_info, const HeartbeatOrigin& origin) {
    db::Record node;
    try {
        node = reserve_node(ctx, node_id);
    } catch (const Conflict& e) {
        // Ironic skips it too: the agent heartbeats again within its interval.
        log::warning("agent.heartbeat_skipped", {{"node_id", std::to_string(node_id)}, {"reason", e.what()}});
        return;
    }
    const std::string uuid = node["uuid"].get<std::string>();
    if (const std::string why = stale_reason(ctx, node, agent_info, origin); !why.empty()) {
        log::warning("agent.heartbeat_dropped", {{"node", uuid}, {"reason", why}});
        release_node(ctx, node_id);
        return;
    }
    const std::string state = provision_state_of(node);
    const bool idle = ctx.config.get_bool("deploy", "fast_track") && fast_track_state(state);
    if (!heartbeat_allowed(state) && !idle) {
        log::warning("agent.heartbeat_ignored", {{"node", uuid}, {"state", state}});
        release_node(ctx, node_id);
        return;
    }
    NodeJob job(ctx, node);
    interfaces::Task task = job.task();
    json& internal = task.driver_internal_info();
    if (!internal.is_object()) internal = json::object();
    record_agent(internal, uuid, agent_info, origin);
    if (idle) {
        // Fast track: nothing to do but remember the agent is up.
        release_node(ctx, node_id, {{"driver_internal_info", internal}});
        return;
    }
    interfaces::HeartbeatOutcome outcome;
    try {
        log::debug("agent.heartbeat", {{"node", uuid}, {"state", state}});
        outcome = ctx.drivers->deploy(node["deploy_interface"].get<std::string>()).heartbeat(task, agent_info);
    } catch (const std::exception& e) {
        // The deploy interface reports failures as its outcome; what
        // escapes is logged and the node released with what was learnt.
        log::error("agent.heartbeat_failed", {{"node", uuid}, {"error", e.what()}});
        outcome = interfaces::HeartbeatOutcome::keep_waiting();
    }
    try {
        apply_outcome(job, state, outcome, job.interface_changes(task));
    } catch (const std::exception& e) {
        log::error("agent.heartbeat_not_recorded", {{"node", uuid}, {"error", e.what()}});
        try {
            release_node(ctx, node_id);
        } catch (const std::exception&) {
            // Released already, or the database is gone: nothing more to do.
        }
    }
}

void start_heartbeat(Context& ctx, const db::Record& node, const json& agent_info, const HeartbeatOrigin& origin) {
    const int64_t id = node["id"].get<int64_t>();
    if (!ctx.workers->try_submit([&ctx, id, agent_info, origin] { process_heartbeat(ctx, id, agent_info, origin); }))
        throw ServiceUnavailable("Requested action cannot be performed due to lack of free conductor workers.");
}

}  // namespace ingot::conductor
