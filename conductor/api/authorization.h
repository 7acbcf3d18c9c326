// The API's side of Ironic's policy: which rule a request needs, on which
// node, and how a refusal looks (404 when the caller may not even see the
// node, as Ironic hides nodes from other projects; 403 otherwise).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conductor/api/http.h"
#include "conductor/auth/target.h"
#include "conductor/context.h"
#include "db/store.h"

namespace ingot::api {

// Throws Forbidden (403) when the caller does not pass `rule` for `target`.
void authorize(const conductor::Context& ctx, const Request& req, const std::string& rule,
               const conductor::auth::Target& target = {});
bool allowed(const conductor::Context& ctx, const Request& req, const std::string& rule,
             const conductor::auth::Target& target = {});

// {"node.owner": ..., "node.lessee": ...} of a node record.
conductor::auth::Target node_target(const db::Record& node);

// The node `ident` names, after checking the caller may see it
// (baremetal:node:get; a project-scoped caller that may not gets the same
// 404 as for a node that does not exist) and then passes every one of
// `rules` (403). `columns` as find_node; owner and lessee are always read.
db::Record find_authorized_node(const conductor::Context& ctx, db::Session& session, const Request& req,
                                const std::string& ident, const std::vector<std::string>& rules,
                                std::vector<std::string> columns = {});

// Ironic's check_list_policy for `object_type` ("node", "port", ...): no
// project when the caller may list everything (<type>:list_all); else the
// caller's project, to which the list must be narrowed (<type>:list), and a
// 403 when the caller has none or asks for another project's `owner`.
std::optional<std::string> list_project(const conductor::Context& ctx, const Request& req,
                                        const std::string& object_type,
                                        const std::optional<std::string>& owner_filter = std::nullopt);

}  // namespace ingot::api
