// Changing a node's power state: the API records the intent under the
// node's lock and returns 202; a pool worker calls the power interface and
// records the result (power_state, last_error), then releases the lock.
#pragma once

#include <optional>
#include <string>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

// `target` is one of power on, power off, rebooting, soft power off, soft
// rebooting (already checked against the API version). Throws Conflict if
// the node is locked, ServiceUnavailable if no worker is free.
void start_power_action(Context& ctx, const db::Record& node, const std::string& target,
                        std::optional<int> timeout_seconds);

}  // namespace ingot::conductor
