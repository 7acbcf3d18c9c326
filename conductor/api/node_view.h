// A node record as the API shows it at the request's microversion.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conductor/api/common.h"
#include "db/store.h"
#include "interfaces/extension.h"

namespace ingot::api {

struct NodeViewOptions {
    std::optional<std::vector<std::string>> fields;  // only these (plus links); none: every visible field
    bool sub_resource_links = true;                  // ports/states/portgroups/volume links
    // Redact what the caller's policy hides; off for the agent's view of its
    // own node and for extensions, which are not API callers.
    bool redact_for_caller = true;
};

json node_view(const conductor::Context& ctx, const Request& req, const db::Record& node,
               const NodeViewOptions& options);

// Checks a `fields=` list against the node's fields at the request's
// version: unknown names are 400, names newer than the version 406.
void check_node_fields(const Request& req, const std::vector<std::string>& fields);

// The table columns needed to render `fields` (computed fields need others).
std::vector<std::string> node_columns_for(const std::vector<std::string>& fields);

// The node as extensions see it in events: the latest microversion, secrets
// masked.
interfaces::NodeEvent node_event(const conductor::Context& ctx, const db::Record& node);

// Old clients know older state names: "available" was null before 1.2 and
// "inspect wait" is "inspecting" before 1.39.
json provision_state_for_version(const json& state, const Version& version);

// The `conductor` field: this conductor when it serves the node's group.
json node_conductor(const conductor::Context& ctx, const db::Record& node);

}  // namespace ingot::api
