// The one-time secret that binds a ramdisk agent to its node (Ironic's
// agent token): minted at the agent's first lookup, kept in the node's
// driver_internal_info as `agent_secret_token` (a key the secret masking
// hides everywhere), and required on every heartbeat.
#pragma once

#include <string>
#include <string_view>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

// The token to hand to an agent looking the node up: a fresh one, saved
// under the node's lock, when the node has none; "******" when it already
// has one (as Ironic: a second lookup must not learn the secret). Throws
// Conflict (409) when the node is locked and a token would have to be minted.
std::string agent_token_for_lookup(Context& ctx, const db::Record& node);

// Whether `token` is the node's token; the comparison takes the same time
// wherever the strings differ, so a caller cannot guess it byte by byte.
bool agent_token_valid(const db::Record& node, std::string_view token);

// Constant-time equality of two strings (their lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace ingot::conductor
