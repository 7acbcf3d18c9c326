// A node's history (Ironic's node_history, GET /v1/nodes/{id}/history):
// every provision state transition and every error, newest last.
#pragma once

#include <string>

#include "conductor/context.h"

namespace ingot::conductor {

// severity: "INFO" or "ERROR"; event_type: "provisioning", "power", ...
void record_history(Context& ctx, int64_t node_id, const std::string& event_type, const std::string& severity,
                    const std::string& event);

}  // namespace ingot::conductor
