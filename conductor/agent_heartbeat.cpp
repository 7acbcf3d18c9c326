#include "conductor/agent_heartbeat.h"

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "conductor/node_reservation.h"
#include "conductor/state_machine.h"
#include "interfaces/deploy.h"

namespace ingot::conductor {

using nlohmann::json;

bool heartbeat_allowed(const std::string& state) {
    namespace st = states;
    return state == st::kDeployWait || state == st::kCleanWait || state == st::kRescueWait || state == st::kInspectWait;
}

void process_heartbeat(Context& ctx, int64_t node_id, const json& agent_info) {
    db::Record node;
    try {
        node = reserve_node(ctx, node_id);
    } catch (const Conflict& e) {
        // Ironic skips it too: the agent heartbeats again within its interval.
        log::warning("agent.heartbeat_skipped", {{"node_id", std::to_string(node_id)}, {"reason", e.what()}});
        return;
    }
    const std::string uuid = node["uuid"].get<std::string>();
    const std::string state = node["provision_state"].is_string() ? node["provision_state"].get<std::string>() : "";
    if (!heartbeat_allowed(state)) {
        log::warning("agent.heartbeat_ignored", {{"node", uuid}, {"state", state}});
        release_node(ctx, node_id);
        return;
    }
    interfaces::Task task(node, ctx.hostname);
    json& internal = task.driver_internal_info();
    if (!internal.is_object()) internal = json::object();
    internal["agent_url"] = agent_info.value("callback_url", std::string());
    internal["agent_last_heartbeat"] = utc_now_iso();
    if (agent_info.contains("agent_version") && agent_info["agent_version"].is_string())
        internal["agent_version"] = agent_info["agent_version"];
    if (agent_info.contains("agent_verify_ca") && agent_info["agent_verify_ca"].is_string())
        internal["agent_verify_ca"] = agent_info["agent_verify_ca"];
    try {
        log::debug("agent.heartbeat", {{"node", uuid}, {"state", state}});
        ctx.drivers->deploy(node["deploy_interface"].get<std::string>()).heartbeat(task, agent_info);
    } catch (const std::exception& e) {
        // The deploy interface records its own failures on the node; what
        // escapes is logged and the node released with what was learnt.
        log::error("agent.heartbeat_failed", {{"node", uuid}, {"error", e.what()}});
    }
    try {
        release_node(ctx, node_id, {{"driver_internal_info", task.driver_internal_info()}});
    } catch (const std::exception& e) {
        log::error("agent.heartbeat_not_recorded", {{"node", uuid}, {"error", e.what()}});
    }
}

void start_heartbeat(Context& ctx, const db::Record& node, const json& agent_info) {
    const int64_t id = node["id"].get<int64_t>();
    if (!ctx.workers->try_submit([&ctx, id, agent_info] { process_heartbeat(ctx, id, agent_info); }))
        throw ServiceUnavailable("Requested action cannot be performed due to lack of free conductor workers.");
}

}  // namespace ingot::conductor
