// /v1/nodes/{node}/history (1.78): the node's recorded transitions and errors.
#include "common/errors.h"
#include "common/ids.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"
#include "conductor/api/node_lookup.h"

namespace ingot::api {
namespace {

using conductor::Context;

json history_view(const Context& ctx, const Request& req, const std::string& node_uuid, const db::Record& h,
                  bool detail) {
    const std::string uuid = h["uuid"].get<std::string>();
    json out = {{"uuid", uuid},
                {"created_at", h["created_at"]},
                {"severity", h["severity"]},
                {"event", h["event"]},
                {"links", links(base_url(ctx, req), "nodes/" + node_uuid + "/history/" + uuid)}};
    if (detail) {
        out["event_type"] = h["event_type"];
        out["conductor"] = h["conductor"];
        out["user"] = h["user"];
    }
    return out;
}

void require_178(const Request& req) {
    if (!req.version.at_least(78)) throw NotFound("The resource could not be found.");
}

}  // namespace

void add_node_history_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/nodes/{node}/history", [&ctx](const Request& r) {
        require_178(r);
        check_query_args(r, {"detail", "limit", "marker"});
        bool detail = query_bool(r, "detail").value_or(false);
        db::Session s(*ctx.database);
        db::Record node = find_authorized_node(ctx, s, r, r.param("node"), {"baremetal:node:history:get"}, {"uuid"});
        Page page = parse_page(r, ctx.max_limit, {"id"});
        db::ListQuery q;
        q.filters = {{"node_id", db::Filter::Op::eq, node["id"]}};
        q.limit = page.limit;
        if (page.marker) {
            auto m = is_uuid_like(*page.marker) ? s.find(db::node_history_table(), "uuid", normalize_uuid(*page.marker))
                                                : std::nullopt;
            if (!m) throw InvalidInput("Expected UUID for marker: " + *page.marker);
            q.marker = *m;
        }
        auto rows = s.list(db::node_history_table(), q);
        json items = json::array();
        const std::string uuid = node["uuid"].get<std::string>();
        for (const auto& row : rows) items.push_back(history_view(ctx, r, uuid, row, detail));
        return collection_response("history", std::move(items),
                                   next_link(base_url(ctx, r), "nodes/" + uuid + "/history", r, page, rows.size(),
                                             rows.empty() ? "" : rows.back()["uuid"].get<std::string>()));
    });
    router.add("GET", "/v1/nodes/{node}/history/{event}", [&ctx](const Request& r) {
        require_178(r);
        db::Session s(*ctx.database);
        db::Record node = find_authorized_node(ctx, s, r, r.param("node"), {"baremetal:node:history:get"}, {"uuid"});
        auto h = is_uuid_like(r.param("event"))
                     ? s.find(db::node_history_table(), "uuid", normalize_uuid(r.param("event")))
                     : std::nullopt;
        if (!h || (*h)["node_id"] != node["id"])
            throw NotFound("Node history record " + r.param("event") + " could not be found.");
        return json_response(200, history_view(ctx, r, node["uuid"].get<std::string>(), *h, true));
    });
}

}  // namespace ingot::api
