// Provisioning actions (PUT /v1/nodes/{id}/states/provision). The API call
// checks the verb against the state machine, takes the node's lock, moves it
// into the in-progress state and hands the work to a pool worker, then
// answers 202. The worker drives the node's interfaces and moves it on
// (done, wait for the agent, or fail with last_error), recording every
// transition in the node's history and telling extensions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

struct ProvisionRequest {
    std::string verb;             // "active", "manage", ...
    nlohmann::json configdrive;   // null if absent
    nlohmann::json clean_steps;   // null if absent
    nlohmann::json deploy_steps;  // null if absent
    std::optional<std::string> rescue_password;
};

// Throws InvalidInput (400) for a transition the state machine refuses,
// Conflict (409) when the node is locked, ServiceUnavailable (503) when no
// worker or deploy slot is free.
void start_provision_action(Context& ctx, const db::Record& node, const ProvisionRequest& request);

}  // namespace ingot::conductor
