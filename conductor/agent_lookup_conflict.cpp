#include "conductor/agent_lookup_conflict.h"

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "common/ids.h"
#include "common/log.h"
#include "conductor/agent_token.h"
#include "conductor/node_history.h"
#include "conductor/node_reservation.h"
#include "conductor/provision_transitions.h"
#include "conductor/state_machine.h"
#include "deploy/agent_client.h"

namespace ingot::conductor {
namespace {

using nlohmann::json;
namespace st = states;

// What the node was doing when the conflict came, for the messages.
std::string operation_of(const std::string& state) {
    if (state == st::kDeploying || state == st::kDeployWait) return "deploy";
    if (state == st::kCleaning || state == st::kCleanWait) return "cleaning";
    if (state == st::kInspecting || state == st::kInspectWait) return "inspection";
    if (state == st::kRescuing || state == st::kRescueWait) return "rescue";
    return "";
}

std::string conflict_text(const std::string& caller, const std::string& issued_to) {
    return "the node was looked up again from " + caller + " after its agent token had been issued to " + issued_to;
}

db::Record reserve_patiently(Context& ctx, int64_t node_id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        try {
            return reserve_node(ctx, node_id);
        } catch (const Conflict&) {
            if (std::chrono::steady_clock::now() > deadline) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

// True when `key` was not seen within the last minute (and remembers it).
bool first_in_a_minute(const std::string& key) {
    static std::mutex mutex;
    static std::map<std::string, std::chrono::steady_clock::time_point> last;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex);
    for (auto it = last.begin(); it != last.end();)
        it = now - it->second > std::chrono::minutes(1) ? last.erase(it) : std::next(it);
    return last.emplace(key, now).second;
}

}  // namespace

void revoke_agent_token(Context& ctx, int64_t node_id, const std::string& token, const std::string& caller,
                        const std::string& issued_to) {
    db::Record node;
    try {
        node = reserve_patiently(ctx, node_id);
    } catch (const std::exception& e) {
        log::error("agent.token_not_revoked", {{"node_id", std::to_string(node_id)}, {"error", e.what()}});
        return;
    }
    const std::string uuid = node["uuid"].get<std::string>();
    // A new operation since: its token is not the one that was handed out twice.
    if (!agent_token_valid(node, token)) {
        release_node(ctx, node_id);
        return;
    }
    json internal = node["driver_internal_info"].is_object() ? node["driver_internal_info"] : json::object();
    deploy::forget_agent_connection(internal);
    internal[kAgentConflictKey] = conflict_text(caller, issued_to) + " (" + utc_now_iso() + ")";
    const std::string state = provision_state_of(node);
    const std::string operation = operation_of(state);
    log::error("agent.token_revoked", {{"node", uuid}, {"state", state}, {"caller", caller}, {"issued_to", issued_to}});
    if (operation.empty() || !st::next_state(state, "fail")) {
        // Fast track (available, manageable): nothing waits for the agent.
        release_node(ctx, node_id, {{"driver_internal_info", internal}});
        return;
    }
    NodeJob job(ctx, node);
    job.fail("Agent token revoked: " + conflict_text(caller, issued_to) +
                 ". Two machines claim this node and the conductor cannot tell which one is real, so the " +
                 operation +
                 " failed. Look for a machine impersonating the node on the provisioning network, then try again.",
             {{"driver_internal_info", internal}});
}

void report_second_lookup(Context& ctx, const db::Record& node, const std::string& caller,
                          const std::string& issued_to) {
    const std::string uuid = node["uuid"].get<std::string>();
    const int64_t id = node["id"].get<int64_t>();
    log::error("agent.second_lookup_refused", {{"node", uuid}, {"caller", caller}, {"issued_to", issued_to}});
    record_history(ctx, id, "agent", "ERROR",
                   "Agent lookup refused: " + conflict_text(caller, issued_to) + ". The token is revoked.");
    const json& internal = node["driver_internal_info"];
    const std::string token = internal.is_object() ? internal.value(kAgentTokenKey, std::string()) : "";
    if (token.empty()) return;
    if (!ctx.workers->try_submit(
            [&ctx, id, token, caller, issued_to] { revoke_agent_token(ctx, id, token, caller, issued_to); }))
        revoke_agent_token(ctx, id, token, caller, issued_to);
}

void report_foreign_heartbeat(Context& ctx, const db::Record& node, const std::string& caller) {
    const std::string uuid = node["uuid"].get<std::string>();
    const json& internal = node["driver_internal_info"];
    const std::string issued_to = internal.is_object() ? internal.value(kAgentAddressKey, std::string()) : "";
    log::error("agent.foreign_heartbeat_refused", {{"node", uuid}, {"caller", caller}, {"issued_to", issued_to}});
    if (!first_in_a_minute(uuid + " " + caller)) return;
    record_history(ctx, node["id"].get<int64_t>(), "agent", "ERROR",
                   "Agent heartbeat refused: it carried the node's agent token but came from " + caller +
                       ", not from " + issued_to + ", the address the token was issued to.");
}

}  // namespace ingot::conductor
