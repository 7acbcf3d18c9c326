// A node's exclusive lock: its `reservation` column holds the name of the
// conductor working on it, set and cleared with an optimistic write so that
// two requests can never both win. Readers need no lock.
#pragma once

#include <string>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

// Takes the lock on the node with internal id `node_id` and returns the
// node as locked. Throws Conflict with Ironic's NodeLocked message when
// another holder has it; `changes` are written in the same update.
db::Record reserve_node(Context& ctx, int64_t node_id, const db::Record& changes = nlohmann::json::object());

// Writes `changes` and clears the lock in one update.
db::Record release_node(Context& ctx, int64_t node_id, const db::Record& changes = nlohmann::json::object());

// Writes `changes` while keeping the lock (which must be ours).
db::Record update_locked(Context& ctx, int64_t node_id, const db::Record& changes);

[[noreturn]] void throw_node_locked(const db::Record& node);

}  // namespace ingot::conductor
