// /v1/ports and /v1/nodes/{node}/ports: create, list, show, update, delete.
#include <algorithm>

#include "common/config.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/json_patch.h"
#include "common/log.h"
#include "common/strings.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"
#include "conductor/api/node_lookup.h"

namespace ingot::api {
namespace {

using conductor::Context;

struct PortField {
    const char* name;
    int since;
    bool writable;
};

// The port resource at each microversion.
const std::vector<PortField>& port_fields() {
    static const std::vector<PortField> f = {
        {"uuid", 1, false},
        {"address", 1, true},
        {"node_uuid", 1, true},
        {"extra", 1, true},
        {"created_at", 1, false},
        {"updated_at", 1, false},
        {"internal_info", 18, false},
        {"local_link_connection", 19, true},
        {"pxe_enabled", 19, true},
        {"portgroup_uuid", 24, true},
        {"physical_network", 34, true},
        {"is_smartnic", 53, true},
    };
    return f;
}

const PortField* find_port_field(const std::string& name) {
    for (const auto& f : port_fields())
        if (name == f.name) return &f;
    return nullptr;
}

json port_view(const Context& ctx, const Request& req, const db::Record& port,
               const std::optional<std::vector<std::string>>& fields) {
    json out = json::object();
    for (const auto& f : port_fields()) {
        if (!req.version.at_least(f.since)) continue;
        if (fields && std::find(fields->begin(), fields->end(), f.name) == fields->end()) continue;
        out[f.name] = port.value(f.name, json());
    }
    out["links"] = links(base_url(ctx, req), "ports/" + port["uuid"].get<std::string>());
    return out;
}

void check_port_fields(const Request& req, const std::vector<std::string>& fields) {
    if (!req.version.at_least(8)) throw NotAcceptable("Request not acceptable.");
    for (const auto& name : fields) {
        const PortField* f = find_port_field(name);
        if (!f) throw InvalidInput("Field(s) \"" + name + "\" are not valid");
        if (!req.version.at_least(f->since)) throw NotAcceptable("Request not acceptable.");
    }
}

std::string mac_or_throw(const json& value) {
    std::string mac;
    if (!value.is_string() || !normalize_mac(value.get<std::string>(), mac))
        throw InvalidInput("Expected valid MAC address for address: " +
                           (value.is_string() ? value.get<std::string>() : value.dump()));
    return mac;
}

// Checks and converts client values (create body or patched document).
void check_port_values(const Request& req, const json& values, db::Session& session, db::Record& out) {
    for (auto it = values.begin(); it != values.end(); ++it) {
        const std::string& key = it.key();
        const json& v = it.value();
        const PortField* f = find_port_field(key);
        if (!f || !f->writable)
            throw InvalidInput("Schema error for port: Additional properties are not allowed ('" + key +
                               "' was unexpected)");
        if (!req.version.at_least(f->since)) throw NotAcceptable("Request not acceptable.");
        if (key == "address") {
            out["address"] = mac_or_throw(v);
        } else if (key == "node_uuid") {
            if (!v.is_string() || !is_uuid_like(v.get<std::string>()))
                throw InvalidInput("Expected UUID for node_uuid: " + (v.is_string() ? v.get<std::string>() : v.dump()));
            auto node = session.find(db::nodes_table(), "uuid", normalize_uuid(v.get<std::string>()), {"uuid"});
            if (!node) throw InvalidInput("Node " + v.get<std::string>() + " could not be found.");
            out["node_id"] = (*node)["id"];
        } else if (key == "portgroup_uuid") {
            if (v.is_null()) {
                out["portgroup_id"] = nullptr;
                continue;
            }
            if (!v.is_string() || !is_uuid_like(v.get<std::string>()))
                throw InvalidInput("Expected a UUID for portgroup_uuid but received " + v.dump() + ".");
            auto group = session.find(db::portgroups_table(), "uuid", normalize_uuid(v.get<std::string>()), {"uuid"});
            if (!group) throw InvalidInput("Portgroup " + v.get<std::string>() + " could not be found.");
            out["portgroup_id"] = (*group)["id"];
        } else if (key == "extra" || key == "local_link_connection") {
            if (!v.is_object()) throw InvalidInput("Schema error for port: " + key + " must be an object");
            out[key] = v;
        } else if (key == "pxe_enabled" || key == "is_smartnic") {
            // Clients send "True"/"false" strings too; Ironic accepts oslo's strict booleans.
            bool b = false;
            if (v.is_boolean())
                b = v.get<bool>();
            else if (!v.is_string() || !config::parse_bool(v.get<std::string>(), b))
                throw InvalidInput("Invalid " + key + ": Unrecognized value " + v.dump() +
                                   ", acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', "
                                   "'true', 'y', 'yes'");
            out[key] = b;
        } else if (key == "physical_network") {
            if (!v.is_string() && !v.is_null())
                throw InvalidInput("Schema error for port: physical_network must be a string");
            out[key] = v;
        }
    }
}

json port_empty_value(const std::string& field) {
    if (field == "extra" || field == "local_link_connection" || field == "internal_info") return json::object();
    if (field == "pxe_enabled") return true;
    if (field == "is_smartnic") return false;
    return nullptr;
}

[[noreturn]] void throw_port_duplicate(const db::DuplicateEntry& e, const json& values) {
    if (e.column() == "address")
        throw Conflict("A port with MAC address " + values.value("address", std::string()) + " already exists.");
    throw Conflict("A port with UUID " + values.value("uuid", std::string()) + " already exists.");
}

db::Record find_port(db::Session& session, const std::string& ident) {
    if (!is_uuid_like(ident)) throw InvalidInput("Expected UUID for port_uuid: " + ident);
    auto port = session.find(db::ports_table(), "uuid", normalize_uuid(ident));
    if (!port) throw NotFound("Port " + ident + " could not be found.");
    return *port;
}

// The owner and lessee of the node a port (or a port to be) belongs to:
// the node is what a project's access to a port goes by.
conductor::auth::Target port_target(db::Session& session, const json& node_id) {
    auto node = session.find(db::nodes_table(), "id", node_id, {"owner", "lessee"});
    return node ? node_target(*node) : conductor::auth::Target{};
}

// A port the caller may see (else the same 404 as a missing one) and `rule`.
db::Record find_authorized_port(const Context& ctx, db::Session& session, const Request& req,
                                const std::string& ident, const std::string& rule) {
    db::Record port = find_port(session, ident);
    const auto target = port_target(session, port["node_id"]);
    if (!allowed(ctx, req, "baremetal:node:get", target)) throw NotFound("Port " + ident + " could not be found.");
    authorize(ctx, req, rule, target);
    return port;
}

// Ports of the nodes a project owns or leases.
db::Filter ports_of_project(db::Session& session, const std::string& project) {
    db::ListQuery nodes;
    nodes.filters.push_back({"owner", db::Filter::Op::eq_either, project, "lessee"});
    nodes.columns = {"uuid"};
    json ids = json::array();
    for (const auto& node : session.list(db::nodes_table(), nodes)) ids.push_back(node["id"]);
    return {"node_id", db::Filter::Op::in, ids};
}

Response list_ports(Context& ctx, const Request& req, bool detail, const std::optional<std::string>& node_ident,
                    const std::string& resource) {
    check_query_args(req, detail ? std::vector<std::string>{"node", "node_uuid", "address", "portgroup", "limit",
                                                            "marker", "sort_key", "sort_dir"}
                                 : std::vector<std::string>{"node", "node_uuid", "address", "portgroup", "limit",
                                                            "marker", "sort_key", "sort_dir", "fields", "detail"});
    auto fields = query_fields(req);
    if (auto d = query_bool(req, "detail")) {
        if (!req.version.at_least(43)) throw NotAcceptable("Request not acceptable.");
        if (detail) throw InvalidInput("Parameter 'detail' is not allowed on the /detail endpoint.");
        detail = *d;
    }
    if (fields && detail) throw InvalidInput("Can not specify ?detail=True and fields in the same request.");
    if (fields) check_port_fields(req, *fields);
    if (!detail && !fields) fields = std::vector<std::string>{"uuid", "address"};

    db::Session session(*ctx.database);
    db::ListQuery q;
    std::optional<std::string> node = node_ident;
    if (!node) node = req.query_value("node");
    if (!node) node = req.query_value("node_uuid");
    if (node) {
        db::Record n = find_authorized_node(ctx, session, req, *node, {}, {"uuid"});
        q.filters.push_back({"node_id", db::Filter::Op::eq, n["id"]});
    }
    if (auto project = list_project(ctx, req, "port")) q.filters.push_back(ports_of_project(session, *project));
    if (auto addr = req.query_value("address")) {
        std::string mac;
        if (!normalize_mac(*addr, mac)) throw InvalidInput("Expected valid MAC address for address: " + *addr);
        q.filters.push_back({"address", db::Filter::Op::eq, mac});
    }
    std::vector<std::string> sortable = {"id", "uuid", "address", "created_at", "updated_at", "physical_network"};
    Page page = parse_page(req, ctx.max_limit, sortable);
    q.sort_key = page.sort_key;
    q.descending = page.descending;
    q.limit = page.limit;
    if (page.marker) q.marker = find_port(session, *page.marker);
    auto rows = session.list(db::ports_table(), q);
    json items = json::array();
    for (const auto& row : rows) items.push_back(port_view(ctx, req, row, detail ? std::nullopt : fields));
    return collection_response("ports", std::move(items),
                               next_link(base_url(ctx, req), resource, req, page, rows.size(),
                                         rows.empty() ? "" : rows.back()["uuid"].get<std::string>()));
}

Response create_port(Context& ctx, const Request& req) {
    json body = parse_object_body(req);
    if (!body.contains("address")) throw InvalidInput("Schema error for port: 'address' is a required property");
    if (!body.contains("node_uuid")) throw InvalidInput("Schema error for port: 'node_uuid' is a required property");
    db::Session session(*ctx.database, true);
    // As Ironic: the node's owner and lessee decide, even before the node
    // is known to exist (a missing one is then the 400 below).
    conductor::auth::Target target;
    if (body["node_uuid"].is_string() && is_uuid_like(body["node_uuid"].get<std::string>())) {
        if (auto n = session.find(db::nodes_table(), "uuid", normalize_uuid(body["node_uuid"].get<std::string>()),
                                  {"owner", "lessee"}))
            target = node_target(*n);
    }
    authorize(ctx, req, "baremetal:port:create", target);
    db::Record values = json::object();
    json uuid = body.contains("uuid") ? body["uuid"] : json(generate_uuid());
    body.erase("uuid");
    if (!uuid.is_string() || !is_uuid_like(uuid.get<std::string>()))
        throw InvalidInput("Expected a UUID but received " + uuid.dump() + ".");
    check_port_values(req, body, session, values);
    values["uuid"] = normalize_uuid(uuid.get<std::string>());
    values["created_at"] = utc_now_iso();
    db::Record port;
    try {
        port = session.insert(db::ports_table(), values);
    } catch (const db::DuplicateEntry& e) {
        throw_port_duplicate(e, values);
    }
    session.commit();
    log::info("port.created",
              {{"port", port["uuid"].get<std::string>()}, {"node", port["node_uuid"].get<std::string>()}});
    Response r = json_response(201, port_view(ctx, req, port, std::nullopt));
    r.headers.emplace_back("Location", base_url(ctx, req) + "/v1/ports/" + port["uuid"].get<std::string>());
    return r;
}

Response patch_port(Context& ctx, const Request& req) {
    json patch = parse_json_body(req);
    db::Session session(*ctx.database, true);
    db::Record port = find_authorized_port(ctx, session, req, req.param("port"), "baremetal:port:update");
    json doc = json::object();
    for (const auto& f : port_fields())
        if (req.version.at_least(f.since)) doc[f.name] = port.value(f.name, json());
    json patched = json_patch::apply(
        doc, patch, {{"/uuid", "/created_at", "/updated_at", "/links", "/id"}, {"/address", "/node_uuid"}});
    json changed = json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        // A removed attribute goes back to its empty value.
        json value = patched.contains(it.key()) ? patched[it.key()] : port_empty_value(it.key());
        if (it.value() != value) changed[it.key()] = value;
    }
    db::Record values = json::object();
    check_port_values(req, changed, session, values);
    db::Record updated = port;
    if (!values.empty()) {
        values["updated_at"] = utc_now_iso();
        try {
            updated = session.update(db::ports_table(), port["id"], port["row_version"], values);
        } catch (const db::DuplicateEntry& e) {
            throw_port_duplicate(e, values);
        }
        session.commit();
    }
    return json_response(200, port_view(ctx, req, updated, std::nullopt));
}

Response delete_port(Context& ctx, const Request& req) {
    db::Session session(*ctx.database, true);
    db::Record port = find_authorized_port(ctx, session, req, req.param("port"), "baremetal:port:delete");
    session.remove(db::ports_table(), {{"id", db::Filter::Op::eq, port["id"]}});
    session.commit();
    log::info("port.deleted", {{"port", port["uuid"].get<std::string>()}});
    Response r;
    r.status = 204;
    return r;
}

}  // namespace

void add_port_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/ports",
               [&ctx](const Request& r) { return list_ports(ctx, r, false, std::nullopt, "ports"); });
    router.add("GET", "/v1/ports/detail",
               [&ctx](const Request& r) { return list_ports(ctx, r, true, std::nullopt, "ports/detail"); });
    router.add("POST", "/v1/ports", [&ctx](const Request& r) { return create_port(ctx, r); });
    router.add("GET", "/v1/ports/{port}", [&ctx](const Request& r) {
        auto fields = query_fields(r);
        if (fields) check_port_fields(r, *fields);
        db::Session session(*ctx.database);
        return json_response(
            200, port_view(ctx, r, find_authorized_port(ctx, session, r, r.param("port"), "baremetal:port:get"), fields));
    });
    router.add("PATCH", "/v1/ports/{port}", [&ctx](const Request& r) { return patch_port(ctx, r); });
    router.add("DELETE", "/v1/ports/{port}", [&ctx](const Request& r) { return delete_port(ctx, r); });
    router.add("GET", "/v1/nodes/{node}/ports", [&ctx](const Request& r) {
        return list_ports(ctx, r, false, r.param("node"), "nodes/" + r.param("node") + "/ports");
    });
    router.add("GET", "/v1/nodes/{node}/ports/detail", [&ctx](const Request& r) {
        return list_ports(ctx, r, true, r.param("node"), "nodes/" + r.param("node") + "/ports/detail");
    });
}

}  // namespace ingot::api
