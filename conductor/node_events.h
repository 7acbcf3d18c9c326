// Telling extensions about a node: builds the event (the node as the API
// shows it) only when some extension listens, since that view is the
// costliest part of a state change otherwise.
#pragma once

#include <string>
#include <vector>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

void notify_created(Context& ctx, const db::Record& node);
void notify_updated(Context& ctx, const db::Record& node, const std::vector<std::string>& changed_fields);
void notify_deleted(Context& ctx, const db::Record& node);
void notify_provision_state(Context& ctx, const db::Record& node, const std::string& from, const std::string& to);
void notify_power_state(Context& ctx, const db::Record& node, const std::string& from, const std::string& to);

}  // namespace ingot::conductor
