// Two machines claiming one node. A lookup hands a node's agent token out
// once; a second lookup means another machine speaks for the node (one that
// copied its MAC, or a node UUID read from the API), and the conductor
// cannot tell which of the two is the real one. The safe answer: refuse the
// lookup (the same 404 as "no such node", telling the caller nothing),
// record both addresses in the node's history, revoke the token so that the
// first one is useless too, and fail the operation waiting for the agent
// with a last_error that says why. No token is minted again until a new
// operation starts (forget_agent wipes the conflict): fast track and a
// legitimately rebooted agent of the next operation get a fresh token.
#pragma once

#include <string>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

// A second lookup of `node` from `caller`; the token went to `issued_to`.
// Records the history row and the log line at once; the revocation and the
// failure run on a pool worker (they need the node's lock, which a
// heartbeat may hold).
void report_second_lookup(Context& ctx, const db::Record& node, const std::string& caller,
                          const std::string& issued_to);

// A heartbeat with the node's valid token from `caller`, which is not the
// address the token was issued to: recorded in the history and the log (at
// most once a minute per node and address, so that a flood of them cannot
// fill the history). The caller refuses the heartbeat.
void report_foreign_heartbeat(Context& ctx, const db::Record& node, const std::string& caller);

// The worker's part of report_second_lookup, synchronous (for tests and for
// when no worker is free): revokes the token if it is still `token` and
// fails the operation. Waits up to 30 s for the node's lock.
void revoke_agent_token(Context& ctx, int64_t node_id, const std::string& token, const std::string& caller,
                        const std::string& issued_to);

}  // namespace ingot::conductor
