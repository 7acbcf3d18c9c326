// /v1/nodes: create, list, show, update, delete, maintenance, states and
// validate, with Ironic's microversion rules.
#include <algorithm>

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/strings.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/provision_transitions.h"
#include "conductor/api/controllers.h"
#include "conductor/api/node_fields.h"
#include "conductor/api/node_input.h"
#include "conductor/api/node_lookup.h"
#include "conductor/api/node_view.h"
#include "conductor/node_events.h"

namespace ingot::api {
namespace {

using conductor::Context;

// Provision states in which a node may be deleted (Ironic's
// DELETE_ALLOWED_STATES, plus available when configured).
bool delete_allowed(const Context& ctx, const std::string& state) {
    return state == "manageable" || state == "enroll" || state == "adopt failed" ||
           (state == "available" && ctx.allow_deleting_available_nodes);
}

const std::vector<std::string>& faults() {
    static const std::vector<std::string> f = {"power failure", "clean failure", "rescue abort failure"};
    return f;
}

void require_version(const Request& req, int minor) {
    if (!req.version.at_least(minor)) throw NotAcceptable("Request not acceptable.");
}

std::vector<db::Filter> list_filters(const Request& req) {
    std::vector<db::Filter> filters;
    using Op = db::Filter::Op;
    auto eq = [&](const std::string& param, const std::string& column, int since) {
        if (auto v = req.query_value(param)) {
            require_version(req, since);
            filters.push_back({column, Op::eq, *v});
        }
    };
    eq("provision_state", "provision_state", 9);
    eq("driver", "driver", 16);
    eq("resource_class", "resource_class", 21);
    eq("owner", "owner", 50);
    eq("lessee", "lessee", 65);
    eq("shard", "shard", 82);
    if (auto v = req.query_value("chassis_uuid")) {
        if (!is_uuid_like(*v)) throw InvalidInput("Expected UUID for chassis_uuid: " + *v);
        filters.push_back({"chassis_uuid", Op::eq, normalize_uuid(*v)});
    }
    if (auto v = req.query_value("instance_uuid")) {
        if (!is_uuid_like(*v)) throw InvalidInput("Expected a UUID for instance_uuid but received " + *v + ".");
        filters.push_back({"instance_uuid", Op::eq, normalize_uuid(*v)});
    }
    if (auto v = req.query_value("conductor_group")) {
        require_version(req, 46);
        filters.push_back({"conductor_group", Op::eq, to_lower(*v)});
    }
    if (auto v = req.query_value("fault")) {
        require_version(req, 42);
        if (std::find(faults().begin(), faults().end(), *v) == faults().end())
            throw InvalidInput("Unknown fault: " + *v + ". Valid faults are: " + join(faults(), ", ") + ".");
        filters.push_back({"fault", Op::eq, *v});
    }
    if (auto v = query_bool(req, "maintenance")) filters.push_back({"maintenance", Op::eq, *v});
    if (auto v = query_bool(req, "associated"))
        filters.push_back({"instance_uuid", *v ? Op::not_null : Op::is_null, nullptr});
    if (auto v = query_bool(req, "sharded")) {
        require_version(req, 82);
        filters.push_back({"shard", *v ? Op::not_null : Op::is_null, nullptr});
    }
    if (auto v = req.query_value("description_contains")) {
        require_version(req, 51);
        filters.push_back({"description", Op::contains, *v});
    }
    return filters;
}

// Ironic refuses JSON fields by name and unknown or newer ones otherwise.
void check_sort_key(const Request& req) {
    auto key = req.query_value("sort_key");
    if (!key || *key == "id") return;
    const FieldSpec* f = find_node_field(*key);
    if (f && !req.version.at_least(f->since)) throw NotAcceptable("Request not acceptable.");
    if (f && (f->type == FieldType::object || f->type == FieldType::string_list))
        throw InvalidInput("The sort_key value " + *key + " is an invalid field for sorting");
}

std::vector<std::string> sortable_fields() {
    std::vector<std::string> out = {"id"};
    for (const auto& f : node_fields()) {
        if (f.type == FieldType::object || f.type == FieldType::string_list || f.name == "conductor") continue;
        out.push_back(f.name);
    }
    return out;
}

Response list_nodes(Context& ctx, const Request& req, bool detail, std::vector<db::Filter> extra_filters,
                    const std::string& resource) {
    static const std::vector<std::string> list_args = {"limit",
                                                       "marker",
                                                       "sort_key",
                                                       "sort_dir",
                                                       "fields",
                                                       "detail",
                                                       "provision_state",
                                                       "driver",
                                                       "resource_class",
                                                       "owner",
                                                       "lessee",
                                                       "shard",
                                                       "sharded",
                                                       "instance_uuid",
                                                       "conductor_group",
                                                       "fault",
                                                       "maintenance",
                                                       "associated",
                                                       "description_contains",
                                                       "chassis_uuid"};
    check_query_args(req, list_args);
    auto fields = query_fields(req);
    if (auto d = query_bool(req, "detail")) {
        require_version(req, 43);
        if (detail) throw InvalidInput("Parameter 'detail' is not allowed on the /detail endpoint.");
        detail = *d;
    }
    if (fields && detail) throw InvalidInput("Can not specify ?detail=True and fields in the same request.");
    if (fields) check_node_fields(req, *fields);
    // The next link repeats the field list so that every page looks alike.
    std::vector<std::pair<std::string, std::string>> next_extra;
    std::vector<std::string> shown;
    if (!detail) {
        if (fields) {
            shown = *fields;
        } else {
            for (const auto& f : node_default_list_fields())
                if (req.version.at_least(find_node_field(f)->since)) shown.push_back(f);
        }
    }

    check_sort_key(req);
    Page page = parse_page(req, ctx.max_limit, sortable_fields());
    db::ListQuery q;
    q.filters = list_filters(req);
    for (auto& f : extra_filters) q.filters.push_back(std::move(f));
    // A project sees the nodes it owns or leases (Ironic's check_list_policy).
    if (auto project = list_project(ctx, req, "node"))
        q.filters.push_back({"owner", db::Filter::Op::eq_either, *project, "lessee"});
    q.sort_key = page.sort_key;
    q.descending = page.descending;
    q.limit = page.limit;
    if (!detail) {
        q.columns = node_columns_for(shown);
        // What the policy's redaction of the shown fields goes by.
        q.columns.push_back("owner");
        q.columns.push_back("lessee");
    }

    db::Session session(*ctx.database);
    if (page.marker) {
        if (!is_uuid_like(*page.marker)) throw InvalidInput("Expected UUID for marker: " + *page.marker);
        std::vector<std::string> cols = {"uuid"};
        if (page.sort_key != "id") cols.push_back(page.sort_key);
        auto marker = session.find(db::nodes_table(), "uuid", normalize_uuid(*page.marker), cols);
        if (!marker) throw NotFound("Node " + *page.marker + " could not be found.");
        q.marker = *marker;
    }
    auto rows = session.list(db::nodes_table(), q);

    NodeViewOptions view;
    if (!detail) {
        view.fields = shown;
        view.sub_resource_links = false;
    }
    json items = json::array();
    for (const auto& row : rows) items.push_back(node_view(ctx, req, row, view));
    return collection_response("nodes", std::move(items),
                               next_link(base_url(ctx, req), resource, req, page, rows.size(),
                                         rows.empty() ? "" : rows.back()["uuid"].get<std::string>()));
}

Response get_node(Context& ctx, const Request& req) {
    check_query_args(req, {"fields"});
    auto fields = query_fields(req);
    if (fields) check_node_fields(req, *fields);
    db::Session session(*ctx.database);
    db::Record node = find_authorized_node(ctx, session, req, req.param("node"), {},
                                           fields ? node_columns_for(*fields) : std::vector<std::string>{});
    return json_response(200, node_view(ctx, req, node, NodeViewOptions{fields, true}));
}

[[noreturn]] void throw_duplicate(const db::DuplicateEntry& e, const json& values) {
    auto value = [&](const char* key) { return values.value(key, json("")).get<std::string>(); };
    if (e.column() == "name") throw Conflict("A node with name " + value("name") + " already exists.");
    if (e.column() == "uuid") throw Conflict("A node with UUID " + value("uuid") + " already exists.");
    if (e.column() == "instance_uuid")
        throw Conflict("Instance " + value("instance_uuid") + " is already associated with a node.");
    throw Conflict(std::string("Conflict: ") + e.what());
}

// Ironic's create policy: a project admin may enroll nodes its project owns
// (baremetal:node:create:self_owned_node), everyone else needs
// baremetal:node:create.
void authorize_create(const Context& ctx, const Request& req, json& body) {
    const bool owned = ctx.config.get_bool("api", "project_admin_can_manage_own_nodes") &&
                       allowed(ctx, req, "baremetal:node:create:self_owned_node");
    if (!owned) authorize(ctx, req, "baremetal:node:create");
    if (req.caller.system_scope || !owned) return;
    const std::string& project = req.caller.project_id;
    if (body.contains("owner") && !body["owner"].is_null() && body["owner"] != project)
        throw InvalidInput("Cannot create a node as a project scoped admin with an owner other than your own project.");
    body["owner"] = project;
}

Response create_node(Context& ctx, const Request& req) {
    json body = parse_object_body(req);
    authorize_create(ctx, req, body);
    db::Session session(*ctx.database, true);
    db::Record values = node_for_create(ctx, req, body, session);
    db::Record node;
    try {
        node = session.insert(db::nodes_table(), values);
    } catch (const db::DuplicateEntry& e) {
        throw_duplicate(e, values);
    }
    session.commit();
    log::info("node.created",
              {{"node", node["uuid"].get<std::string>()}, {"driver", node["driver"].get<std::string>()}});
    conductor::notify_created(ctx, node);
    Response r = json_response(201, node_view(ctx, req, node, {}));
    r.headers.emplace_back("Location", base_url(ctx, req) + "/v1/nodes/" + node["uuid"].get<std::string>());
    return r;
}

// Ironic refuses updates while a node is locked or moving between states,
// except in states where operators must be able to fix things.
void check_updatable(const db::Record& node) {
    if (!node["reservation"].is_null()) {
        throw Conflict("Node " + node["uuid"].get<std::string>() + " is locked by host " +
                       node["reservation"].get<std::string>() +
                       ", please retry after the current operation is completed.");
    }
    static const std::vector<std::string> stable_or_allowed = {
        "enroll",       "manageable",    "available",    "active",         "error",
        "rescue",       "deploy failed", "inspecting",   "inspect failed", "inspect wait",
        "clean failed", "verifying",     "adopt failed", "rescue failed",  "unrescue failed"};
    const json& state = node["provision_state"];
    if (state.is_string() && std::find(stable_or_allowed.begin(), stable_or_allowed.end(), state.get<std::string>()) ==
                                 stable_or_allowed.end()) {
        throw Conflict("Node " + node["uuid"].get<std::string>() +
                       " can not be updated while a state transition is in progress.");
    }
}

// The rules a node PATCH needs: one per field with its own rule (Ironic's
// _authorize_patch_and_get_node), baremetal:node:update for the rest.
std::vector<std::string> patch_rules(const json& patch) {
    static const std::vector<std::pair<std::string, std::string>> by_path = {
        {"/instance_info", "baremetal:node:update_instance_info"},
        {"/extra", "baremetal:node:update_extra"},
        {"/driver_info", "baremetal:node:update:driver_info"},
        {"/properties", "baremetal:node:update:properties"},
        {"/chassis_uuid", "baremetal:node:update:chassis_uuid"},
        {"/instance_uuid", "baremetal:node:update:instance_uuid"},
        {"/instance_name", "baremetal:node:update_instance_info"},
        {"/lessee", "baremetal:node:update:lessee"},
        {"/owner", "baremetal:node:update:owner"},
        {"/driver", "baremetal:node:update:driver_interfaces"},
        {"/network_data", "baremetal:node:update:network_data"},
        {"/conductor_group", "baremetal:node:update:conductor_group"},
        {"/name", "baremetal:node:update:name"},
        {"/retired", "baremetal:node:update:retired"},
        {"/shard", "baremetal:node:update:shard"},
        {"/parent_node", "baremetal:node:update:parent_node"},
        {"/disable_power_off", "baremetal:node:update:disable_power_off"}};
    std::vector<std::string> rules;
    bool generic = false;
    for (const auto& op : patch.is_array() ? patch : json::array()) {
        const std::string path = op.is_object() ? op.value("path", std::string()) : std::string();
        auto rule = std::find_if(by_path.begin(), by_path.end(),
                                 [&](const auto& entry) { return starts_with(path, entry.first); });
        if (rule != by_path.end()) {
            rules.push_back(rule->second);
        } else if (ends_with(path, "_interface") && path.find('/', 1) == std::string::npos) {
            rules.push_back("baremetal:node:update:driver_interfaces");
        } else if (starts_with(path, "/automated_clean") && op.contains("value") && op["value"] == false) {
            rules.push_back("baremetal:node:disable_cleaning");
        } else {
            generic = true;
        }
    }
    if (generic || rules.empty()) rules.push_back("baremetal:node:update");
    return rules;
}

bool patch_touches(const json& patch, const std::string& path) {
    if (!patch.is_array()) return false;
    return std::any_of(patch.begin(), patch.end(),
                       [&](const json& op) { return op.is_object() && op.value("path", std::string()) == path; });
}

Response patch_node(Context& ctx, const Request& req) {
    json patch = parse_json_body(req);
    db::Session session(*ctx.database, true);
    db::Record node = find_authorized_node(ctx, session, req, req.param("node"), patch_rules(patch));
    check_updatable(node);
    if (node["provision_state"] == "active" && patch_touches(patch, "/owner") &&
        !allowed(ctx, req, "baremetal:node:update_owner_provisioned", node_target(node)))
        throw Conflict("Cannot update owner of node \"" + node["uuid"].get<std::string>() +
                       "\" while it is in state \"active\".");
    db::Record changes = node_changes_from_patch(ctx, req, node, patch, session);
    db::Record updated = node;
    if (!changes.empty()) {
        changes["updated_at"] = utc_now_iso();
        try {
            updated = session.update(db::nodes_table(), node["id"], node["row_version"], changes);
        } catch (const db::DuplicateEntry& e) {
            json merged = node;
            for (auto it = changes.begin(); it != changes.end(); ++it) merged[it.key()] = it.value();
            throw_duplicate(e, merged);
        }
        session.commit();
        std::vector<std::string> names;
        for (auto it = changes.begin(); it != changes.end(); ++it) {
            if (it.key() == "updated_at") continue;
            names.push_back(it.key() == "chassis_id" ? "chassis_uuid" : it.key());
        }
        log::info("node.updated", {{"node", node["uuid"].get<std::string>()}, {"fields", join(names, ",")}});
        conductor::notify_updated(ctx, updated, names);
    }
    return json_response(200, node_view(ctx, req, updated, {}));
}

Response delete_node(Context& ctx, const Request& req) {
    db::Session session(*ctx.database, true);
    db::Record node = find_authorized_node(ctx, session, req, req.param("node"), {});
    if (!allowed(ctx, req, "baremetal:node:delete", node_target(node))) {
        if (!ctx.config.get_bool("api", "project_admin_can_manage_own_nodes"))
            authorize(ctx, req, "baremetal:node:delete", node_target(node));
        authorize(ctx, req, "baremetal:node:delete:self_owned_node", node_target(node));
    }
    const std::string uuid = node["uuid"].get<std::string>();
    if (!node["reservation"].is_null()) check_updatable(node);
    const std::string state = node["provision_state"].is_string() ? node["provision_state"].get<std::string>() : "";
    if (node["protected"] == true)
        throw Forbidden("Node " + uuid + " is protected and cannot be undeployed, rebuilt or deleted");
    if (!node["instance_uuid"].is_null()) {
        throw Conflict("Node " + uuid + " is associated with instance " + node["instance_uuid"].get<std::string>() +
                       ".");
    }
    if (!delete_allowed(ctx, state) && node["maintenance"] != true) {
        std::string states = ctx.allow_deleting_available_nodes
                                 ? "('manageable', 'enroll', 'adopt failed', 'available')"
                                 : "('manageable', 'enroll', 'adopt failed')";
        throw Conflict("Can not delete node \"" + uuid + "\" while it is in provision state \"" + state +
                       "\". Valid provision states to perform deletion are: \"" + states +
                       "\", or set the node into maintenance mode");
    }
    session.remove(db::ports_table(), {{"node_id", db::Filter::Op::eq, node["id"]}});
    session.remove(db::portgroups_table(), {{"node_id", db::Filter::Op::eq, node["id"]}});
    session.remove(db::nodes_table(), {{"id", db::Filter::Op::eq, node["id"]}});
    session.commit();
    log::info("node.deleted", {{"node", uuid}});
    conductor::notify_deleted(ctx, node);
    Response r;
    r.status = 204;
    return r;
}

Response set_maintenance(Context& ctx, const Request& req, bool on) {
    check_query_args(req, on ? std::vector<std::string>{"reason"} : std::vector<std::string>{});
    json reason = nullptr;
    if (auto r = req.query_value("reason")) reason = *r;
    if (on && !req.body.empty()) {
        json body = parse_object_body(req);
        for (auto it = body.begin(); it != body.end(); ++it)
            if (it.key() != "reason") throw InvalidInput("Unexpected arguments: " + it.key());
        if (body.contains("reason")) {
            if (!body["reason"].is_string() && !body["reason"].is_null())
                throw InvalidInput("Invalid input for field/attribute reason: must be a string.");
            reason = body["reason"];
        }
    }
    db::Session session(*ctx.database, true);
    db::Record node = find_authorized_node(
        ctx, session, req, req.param("node"),
        {on ? "baremetal:node:set_maintenance" : "baremetal:node:clear_maintenance"});
    if (!node["reservation"].is_null()) check_updatable(node);
    db::Record changes = {{"maintenance", on}, {"maintenance_reason", reason}, {"updated_at", utc_now_iso()}};
    if (!on) changes["fault"] = nullptr;
    db::Record updated = session.update(db::nodes_table(), node["id"], node["row_version"], changes);
    session.commit();
    conductor::notify_updated(ctx, updated, {"maintenance", "maintenance_reason"});
    log::info("node.maintenance", {{"node", node["uuid"].get<std::string>()}, {"maintenance", on ? "on" : "off"}});
    Response r;
    r.status = 202;
    return r;
}

Response validate(Context& ctx, const Request& req) {
    db::Record node;
    {
        db::Session session(*ctx.database);
        node = find_authorized_node(ctx, session, req, req.param("node"), {"baremetal:node:validate"});
    }
    json out = json::object();
    for (const auto& check : ctx.drivers->validate(conductor::make_task(ctx, node))) {
        json entry = {{"result", check.ok}};
        if (!check.ok) entry["reason"] = check.reason;
        out[check.kind] = entry;
    }
    return json_response(200, out);
}

}  // namespace

void add_node_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/nodes", [&ctx](const Request& r) { return list_nodes(ctx, r, false, {}, "nodes"); });
    router.add("GET", "/v1/nodes/detail",
               [&ctx](const Request& r) { return list_nodes(ctx, r, true, {}, "nodes/detail"); });
    router.add("POST", "/v1/nodes", [&ctx](const Request& r) { return create_node(ctx, r); });
    router.add("GET", "/v1/nodes/{node}", [&ctx](const Request& r) { return get_node(ctx, r); });
    router.add("PATCH", "/v1/nodes/{node}", [&ctx](const Request& r) { return patch_node(ctx, r); });
    router.add("DELETE", "/v1/nodes/{node}", [&ctx](const Request& r) { return delete_node(ctx, r); });
    router.add("PUT", "/v1/nodes/{node}/maintenance",
               [&ctx](const Request& r) { return set_maintenance(ctx, r, true); });
    router.add("DELETE", "/v1/nodes/{node}/maintenance",
               [&ctx](const Request& r) { return set_maintenance(ctx, r, false); });
    router.add("GET", "/v1/nodes/{node}/validate", [&ctx](const Request& r) { return validate(ctx, r); });
}

// Used by the chassis controller for /v1/chassis/{id}/nodes.
Response list_nodes_of_chassis(Context& ctx, const Request& req, long long chassis_id, bool detail,
                               const std::string& resource) {
    return list_nodes(ctx, req, detail, {{"chassis_id", db::Filter::Op::eq, chassis_id}}, resource);
}

}  // namespace ingot::api
