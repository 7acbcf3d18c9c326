// /v1/chassis: create, list, show, update, delete, and the nodes in a chassis.
#include "common/errors.h"
#include "common/ids.h"
#include "common/json_patch.h"
#include "common/log.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"

namespace ingot::api {
namespace {

using conductor::Context;

json chassis_view(const Context& ctx, const Request& req, const db::Record& c, bool detail) {
    const std::string uuid = c["uuid"].get<std::string>();
    const std::string base = base_url(ctx, req);
    json out = {{"uuid", uuid}, {"description", c["description"]}, {"links", links(base, "chassis/" + uuid)}};
    if (detail) {
        out["extra"] = c["extra"];
        out["created_at"] = c["created_at"];
        out["updated_at"] = c["updated_at"];
        out["nodes"] = links(base, "chassis/" + uuid + "/nodes");
    }
    return out;
}

db::Record find_chassis(db::Session& s, const std::string& ident) {
    if (!is_uuid_like(ident)) throw InvalidInput("Expected UUID for chassis_uuid: " + ident);
    auto c = s.find(db::chassis_table(), "uuid", normalize_uuid(ident));
    if (!c) throw NotFound("Chassis " + ident + " could not be found.");
    return *c;
}

void check_chassis_values(const json& values) {
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (it.key() == "description") {
            if (!it.value().is_string() && !it.value().is_null())
                throw InvalidInput("Schema error for chassis: description must be a string");
            if (it.value().is_string() && it.value().get<std::string>().size() > 255)
                throw InvalidInput("Schema error for chassis: description is longer than 255 characters");
        } else if (it.key() == "extra") {
            if (!it.value().is_object()) throw InvalidInput("Schema error for chassis: extra must be an object");
        } else if (it.key() != "uuid") {
            throw InvalidInput("Schema error for chassis: Additional properties are not allowed ('" + it.key() +
                               "' was unexpected)");
        }
    }
}

Response list_chassis(Context& ctx, const Request& req, bool detail, const std::string& resource) {
    if (auto d = query_bool(req, "detail")) detail = detail || *d;
    Page page = parse_page(req, ctx.max_limit, {"id", "uuid", "description", "created_at", "updated_at"});
    db::Session s(*ctx.database);
    db::ListQuery q;
    q.sort_key = page.sort_key;
    q.descending = page.descending;
    q.limit = page.limit;
    if (page.marker) q.marker = find_chassis(s, *page.marker);
    auto rows = s.list(db::chassis_table(), q);
    json items = json::array();
    for (const auto& row : rows) items.push_back(chassis_view(ctx, req, row, detail));
    return collection_response("chassis", std::move(items),
                               next_link(base_url(ctx, req), resource, req, page, rows.size(),
                                         rows.empty() ? "" : rows.back()["uuid"].get<std::string>()));
}

}  // namespace

void add_chassis_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/chassis", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:get");
        return list_chassis(ctx, r, false, "chassis");
    });
    router.add("GET", "/v1/chassis/detail", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:get");
        return list_chassis(ctx, r, true, "chassis/detail");
    });
    router.add("POST", "/v1/chassis", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:create");
        json body = parse_object_body(r);
        check_chassis_values(body);
        json uuid = body.value("uuid", json(generate_uuid()));
        if (!uuid.is_string() || !is_uuid_like(uuid.get<std::string>()))
            throw InvalidInput("Expected a UUID but received " + uuid.dump() + ".");
        body["uuid"] = normalize_uuid(uuid.get<std::string>());
        body["created_at"] = utc_now_iso();
        db::Session s(*ctx.database, true);
        db::Record c;
        try {
            c = s.insert(db::chassis_table(), body);
        } catch (const db::DuplicateEntry&) {
            throw Conflict("A chassis with UUID " + body["uuid"].get<std::string>() + " already exists.");
        }
        s.commit();
        Response resp = json_response(201, chassis_view(ctx, r, c, true));
        resp.headers.emplace_back("Location", base_url(ctx, r) + "/v1/chassis/" + c["uuid"].get<std::string>());
        return resp;
    });
    router.add("GET", "/v1/chassis/{chassis}", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:get");
        db::Session s(*ctx.database);
        return json_response(200, chassis_view(ctx, r, find_chassis(s, r.param("chassis")), true));
    });
    router.add("PATCH", "/v1/chassis/{chassis}", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:update");
        json patch = parse_json_body(r);
        db::Session s(*ctx.database, true);
        db::Record c = find_chassis(s, r.param("chassis"));
        json doc = {{"description", c["description"]}, {"extra", c["extra"]}};
        json patched =
            json_patch::apply(doc, patch, {{"/uuid", "/created_at", "/updated_at", "/links", "/id", "/nodes"}, {}});
        check_chassis_values(patched);
        patched["updated_at"] = utc_now_iso();
        db::Record updated = s.update(db::chassis_table(), c["id"], c["row_version"], patched);
        s.commit();
        return json_response(200, chassis_view(ctx, r, updated, true));
    });
    router.add("DELETE", "/v1/chassis/{chassis}", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:delete");
        db::Session s(*ctx.database, true);
        db::Record c = find_chassis(s, r.param("chassis"));
        if (s.count(db::nodes_table(), {{"chassis_id", db::Filter::Op::eq, c["id"]}}) > 0)
            throw InvalidInput("Cannot complete the requested action because chassis " + c["uuid"].get<std::string>() +
                               " contains nodes.");
        s.remove(db::chassis_table(), {{"id", db::Filter::Op::eq, c["id"]}});
        s.commit();
        Response resp;
        resp.status = 204;
        return resp;
    });
    router.add("GET", "/v1/chassis/{chassis}/nodes", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:get");
        long long id = 0;
        {
            db::Session s(*ctx.database);
            id = find_chassis(s, r.param("chassis"))["id"].get<long long>();
        }
        return list_nodes_of_chassis(ctx, r, id, false, "chassis/" + r.param("chassis") + "/nodes");
    });
    router.add("GET", "/v1/chassis/{chassis}/nodes/detail", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:chassis:get");
        long long id = 0;
        {
            db::Session s(*ctx.database);
            id = find_chassis(s, r.param("chassis"))["id"].get<long long>();
        }
        return list_nodes_of_chassis(ctx, r, id, true, "chassis/" + r.param("chassis") + "/nodes/detail");
    });
}

}  // namespace ingot::api
