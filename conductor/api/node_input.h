// Validation of what clients send for nodes (POST bodies and the result of a
// PATCH), turning it into column values. Nothing is written here.
#pragma once

#include "conductor/api/common.h"
#include "db/store.h"

namespace ingot::api {

// RFC 3986 unreserved characters only, 1..255 long (Ironic's logical names).
bool is_valid_logical_name(const std::string& name);

// The record to insert for POST /v1/nodes.
db::Record node_for_create(const conductor::Context& ctx, const Request& req, const json& body, db::Session& session);

// Applies a JSON-patch to `node` and returns the changed columns.
db::Record node_changes_from_patch(const conductor::Context& ctx, const Request& req, const db::Record& node,
                                   const json& patch, db::Session& session);

// Resolves a chassis UUID to its internal id (400 if unknown).
json chassis_id_for(db::Session& session, const json& chassis_uuid);

}  // namespace ingot::api
