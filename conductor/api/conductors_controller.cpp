// /v1/conductors (1.49): the conductors registered in the database.
#include <ctime>

#include "common/errors.h"
#include "common/ids.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"

namespace ingot::api {
namespace {

using conductor::Context;

// Alive: online and its heartbeat is recent (Ironic's heartbeat_timeout).
bool is_alive(const Context& ctx, const db::Record& c) {
    if (c["online"] != true) return false;
    const json& stamp = c["updated_at"].is_string() ? c["updated_at"] : c["created_at"];
    return std::time(nullptr) - epoch_of_iso(stamp.get<std::string>()) <=
           ctx.config.get_int("conductor", "heartbeat_timeout");
}

json conductor_view(const Context& ctx, const Request& req, const db::Record& c, bool detail) {
    const std::string host = c["hostname"].get<std::string>();
    json out = {{"hostname", host},
                {"conductor_group", c["conductor_group"]},
                {"alive", is_alive(ctx, c)},
                {"links", links(base_url(ctx, req), "conductors/" + host)}};
    if (detail) {
        out["drivers"] = c["drivers"];
        out["created_at"] = c["created_at"];
        out["updated_at"] = c["updated_at"];
    }
    return out;
}

void require_149(const Request& req) {
    // Before 1.49 the resource does not exist.
    if (!req.version.at_least(49)) throw NotFound("Resource could not be found.");
}

}  // namespace

void add_conductor_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/conductors", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:conductor:get");
        require_149(r);
        bool detail = query_bool(r, "detail").value_or(false);
        Page page = parse_page(r, ctx.max_limit, {"id", "hostname", "conductor_group", "created_at", "updated_at"});
        db::Session s(*ctx.database);
        db::ListQuery q;
        q.sort_key = page.sort_key;
        q.descending = page.descending;
        q.limit = page.limit;
        if (page.marker) {
            auto m = s.find(db::conductors_table(), "hostname", *page.marker);
            if (!m) throw InvalidInput("Marker " + *page.marker + " could not be found.");
            q.marker = *m;
        }
        auto rows = s.list(db::conductors_table(), q);
        json items = json::array();
        for (const auto& row : rows) items.push_back(conductor_view(ctx, r, row, detail));
        return collection_response("conductors", std::move(items),
                                   next_link(base_url(ctx, r), "conductors", r, page, rows.size(),
                                             rows.empty() ? "" : rows.back()["hostname"].get<std::string>()));
    });
    router.add("GET", "/v1/conductors/{hostname}", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:conductor:get");
        require_149(r);
        db::Session s(*ctx.database);
        auto c = s.find(db::conductors_table(), "hostname", r.param("hostname"));
        if (!c) throw NotFound("Conductor " + r.param("hostname") + " could not be found.");
        return json_response(200, conductor_view(ctx, r, *c, true));
    });
}

}  // namespace ingot::api
