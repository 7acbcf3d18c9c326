#include "conductor/api/authorization.h"

#include "common/errors.h"
#include "conductor/api/node_lookup.h"

namespace ingot::api {
namespace {

std::string text_of(const db::Record& record, const char* key) {
    auto it = record.find(key);
    return it != record.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

void authorize(const conductor::Context& ctx, const Request& req, const std::string& rule,
               const conductor::auth::Target& target) {
    ctx.policy->authorize(rule, req.caller, target);
}

bool allowed(const conductor::Context& ctx, const Request& req, const std::string& rule,
             const conductor::auth::Target& target) {
    return ctx.policy->allowed(rule, req.caller, target);
}

conductor::auth::Target node_target(const db::Record& node) {
    return {{"node.owner", text_of(node, "owner")}, {"node.lessee", text_of(node, "lessee")}};
}

db::Record find_authorized_node(const conductor::Context& ctx, db::Session& session, const Request& req,
                                const std::string& ident, const std::vector<std::string>& rules,
                                std::vector<std::string> columns) {
    if (!columns.empty()) {
        columns.push_back("owner");
        columns.push_back("lessee");
    }
    db::Record node = find_node(session, req, ident, columns);
    const auto target = node_target(node);
    // Whoever may not see a node must not learn that it exists (Ironic
    // turns this refusal into its 404 for every caller).
    if (!allowed(ctx, req, "baremetal:node:get", target)) throw NotFound("Node " + ident + " could not be found.");
    for (const auto& rule : rules) authorize(ctx, req, rule, target);
    return node;
}

std::optional<std::string> list_project(const conductor::Context& ctx, const Request& req,
                                        const std::string& object_type,
                                        const std::optional<std::string>& owner_filter) {
    const std::string prefix = "baremetal:" + object_type + ":";
    if (allowed(ctx, req, prefix + "list_all")) return std::nullopt;
    const std::string& project = req.caller.project_id;
    if (project.empty() || (owner_filter && *owner_filter != project)) authorize(ctx, req, prefix + "list_all");
    authorize(ctx, req, prefix + "list");
    return project;
}

}  // namespace ingot::api
