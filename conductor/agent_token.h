// The one-time secret that binds a ramdisk agent to its node (Ironic's
// agent token), kept in the node's driver_internal_info as
// `agent_secret_token` (a key the secret masking hides everywhere) and
// required on every heartbeat. It comes to the agent one of two ways:
//   - minted at the agent's first lookup; the caller's address is kept as
//     `agent_lookup_address`, the only address heartbeats are then taken
//     from ([api] agent_heartbeat_address_check);
//   - put on a virtual-media ramdisk's kernel command line by its boot
//     interface (`agent_secret_token_pregenerated`): lookups only ever see
//     the mask, and the address of the first heartbeat is kept instead.
// Once a lookup handed the token out, any further lookup is refused: two
// machines claim the node and the conductor cannot know which is real
// (agent_lookup_conflict.h revokes the token and fails the operation).
// Forgetting the agent at a new operation (forget_agent) wipes all of it, so
// an agent that boots for the next operation gets a new token.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

// What a lookup gets.
struct LookupGrant {
    enum class Kind {
        issued,        // `token` is fresh; the caller is now the agent's address
        masked,        // `token` is "******": the agent has the token already (pregenerated)
        second,        // a lookup already got the token: refuse, and report the conflict
        after_conflict  // the token was revoked for a conflict: refuse until a new operation
    };
    Kind kind = Kind::issued;
    std::string token;
    std::string issued_to;  // second: the address the token went to
};

// Decides (and for `issued`, mints and saves under the node's lock) what
// the agent looking the node up from `caller` gets. Throws Conflict (409)
// when the node is locked and a token would have to be minted.
LookupGrant agent_token_for_lookup(Context& ctx, const db::Record& node, const std::string& caller);

// Whether `token` is the node's token; the comparison takes the same time
// wherever the strings differ, so a caller cannot guess it byte by byte.
bool agent_token_valid(const db::Record& node, std::string_view token);

// Constant-time equality of two strings (their lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b);

// driver_internal_info keys of this protocol.
inline constexpr const char* kAgentTokenKey = "agent_secret_token";
inline constexpr const char* kAgentTokenPregeneratedKey = "agent_secret_token_pregenerated";
inline constexpr const char* kAgentAddressKey = "agent_lookup_address";
inline constexpr const char* kAgentConflictKey = "agent_lookup_conflict";

}  // namespace ingot::conductor
