// Heartbeats from ramdisk agents (POST /v1/heartbeat/{node}). The API checks
// the request and the token and answers 202 at once; the heartbeat itself
// runs here, on a pool worker under the node's lock, as Ironic's conductor
// spawns it: the agent's URL, version and time are recorded in the node's
// driver_internal_info and the node's deploy interface gets
// heartbeat(task, agent_info) to move its deploy or clean on. Its outcome
// decides the node's fate: keep waiting (the callback timeout restarts), done
// (resume, then active / available / manageable) or failed (deploy failed /
// clean failed with last_error), each transition in the node's history.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

// States in which an agent's heartbeat is processed (Ironic's
// heartbeat_allowed_states); in others it is logged and dropped.
bool heartbeat_allowed(const std::string& provision_state);

// States where, with [deploy] fast_track, an idle agent may look its node up
// and heartbeat: its URL and time are recorded for the next deploy or clean.
bool fast_track_state(const std::string& provision_state);

// Where a heartbeat came from and what proved it, checked again under the
// node's lock: the API's checks ran on a copy that may be stale by then.
struct HeartbeatOrigin {
    std::string address;  // the peer's IP address
    std::string scheme;   // how it reached the API: "https" or "http"
    std::string token;    // what it carried; never logged, never handed on
};

// Hands the heartbeat to a pool worker. `agent_info` holds callback_url,
// agent_version, agent_verify_ca, agent_status(_message) — never the token.
// Throws ServiceUnavailable (503) when no worker is free. When the node is
// locked by the time the worker runs, the heartbeat is dropped (the agent
// heartbeats again soon), as Ironic does.
void start_heartbeat(Context& ctx, const db::Record& node, const nlohmann::json& agent_info,
                     const HeartbeatOrigin& origin);

// The worker's part, synchronous (start_heartbeat runs this on the pool).
// Under the lock it drops a heartbeat whose token is no longer the node's,
// that comes from another address than the token's, or that changes the
// agent's URL or certificate; the first accepted heartbeat of an agent
// records its URL and pins its certificate (agent_verify_ca), and, for a
// pregenerated token, its address.
void process_heartbeat(Context& ctx, int64_t node_id, const nlohmann::json& agent_info,
                       const HeartbeatOrigin& origin);

}  // namespace ingot::conductor
