#include "conductor/api/node_input.h"

#include <algorithm>
#include <cctype>

#include "common/errors.h"
#include "common/ids.h"
#include "common/json_patch.h"
#include "common/strings.h"
#include "conductor/api/node_fields.h"
#include "conductor/driver_composition.h"

namespace ingot::api {
namespace {

const char* type_name(FieldType t) {
    switch (t) {
        case FieldType::string: return "string";
        case FieldType::boolean: return "boolean";
        case FieldType::object: return "object";
        case FieldType::string_list: return "array";
        case FieldType::uuid: return "string";
    }
    return "?";
}

void check_type(const FieldSpec& f, const json& v) {
    bool ok = false;
    if (v.is_null()) {
        ok = f.nullable;
    } else {
        switch (f.type) {
            case FieldType::string: ok = v.is_string(); break;
            case FieldType::uuid: ok = v.is_string(); break;
            case FieldType::boolean: ok = v.is_boolean(); break;
            case FieldType::object: ok = v.is_object(); break;
            case FieldType::string_list:
                ok = v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); });
                break;
        }
    }
    if (!ok) {
        throw InvalidInput("Schema error for node: " + v.dump() + " is not of type '" + type_name(f.type) + "'" +
                           (f.nullable ? ", 'null'" : "") + " (field " + f.name + ")");
    }
    if (f.type == FieldType::uuid && v.is_string() && !is_uuid_like(v.get<std::string>()))
        throw InvalidInput("Expected a UUID for " + f.name + " but received " + v.get<std::string>() + ".");
}

void check_name(const json& name) {
    if (name.is_string() && !is_valid_logical_name(name.get<std::string>()))
        throw InvalidInput("Cannot create node with invalid name '" + name.get<std::string>() + "'");
}

void check_conductor_group(const json& group) {
    if (!group.is_string()) return;
    for (char c : group.get<std::string>()) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            throw InvalidInput("Invalid conductor_group '" + group.get<std::string>() +
                               "': only letters, digits, '_', '-' and '.' are allowed.");
    }
}

// Checks every field the client sent against the table and the version.
void check_client_fields(const Request& req, const json& values, bool creating) {
    std::vector<std::string> unexpected;
    for (auto it = values.begin(); it != values.end(); ++it) {
        const FieldSpec* f = find_node_field(it.key());
        if (!f || !(creating ? f->creatable : true)) {
            unexpected.push_back(it.key());
            continue;
        }
        // A field newer than the negotiated version does not exist for
        // this client.
        if (!req.version.at_least(f->since)) throw NotAcceptable("Request not acceptable.");
        check_type(*f, it.value());
    }
    if (!unexpected.empty()) {
        std::string list;
        for (size_t i = 0; i < unexpected.size(); ++i)
            list += (i ? ", '" : "'") + unexpected[i] + "'";
        throw InvalidInput("Schema error for node: Additional properties are not allowed (" + list +
                           (unexpected.size() == 1 ? " was" : " were") + " unexpected)");
    }
}

}  // namespace

bool is_valid_logical_name(const std::string& name) {
    if (name.empty() || name.size() > 255) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
    });
}

json chassis_id_for(db::Session& session, const json& chassis_uuid) {
    if (chassis_uuid.is_null()) return nullptr;
    auto chassis = session.find(db::chassis_table(), "uuid", normalize_uuid(chassis_uuid.get<std::string>()), {"uuid"});
    if (!chassis) throw InvalidInput("Chassis " + chassis_uuid.get<std::string>() + " could not be found.");
    return (*chassis)["id"];
}

db::Record node_for_create(const conductor::Context& ctx, const Request& req, const json& body,
                           db::Session& session) {
    check_client_fields(req, body, /*creating=*/true);
    if (!body.contains("driver")) throw InvalidInput("Schema error for node: 'driver' is a required property");
    db::Record node = body;
    if (node.contains("name")) check_name(node["name"]);
    node["uuid"] = node.contains("uuid") ? normalize_uuid(node["uuid"].get<std::string>()) : generate_uuid();
    node["conductor_group"] = to_lower(node.value("conductor_group", std::string()));
    check_conductor_group(node["conductor_group"]);
    conductor::compose_interfaces(ctx, node, /*reset_unsupported=*/false);
    if (node.contains("chassis_uuid")) node["chassis_id"] = chassis_id_for(session, node["chassis_uuid"]);
    node.erase("chassis_uuid");
    // New nodes start in enroll from 1.11; older clients expect available.
    node["provision_state"] = req.version.at_least(11) ? "enroll" : "available";
    node["created_at"] = utc_now_iso();
    return node;
}

db::Record node_changes_from_patch(const conductor::Context& ctx, const Request& req, const db::Record& node,
                                   const json& patch, db::Session& session) {
    // The document a client patches: the fields it can see, unmasked.
    json doc = json::object();
    for (const auto& f : node_fields())
        if (req.version.at_least(f.since) && f.name != "conductor") doc[f.name] = node.value(f.name, json());

    json_patch::Rules rules{{"/uuid", "/created_at", "/updated_at", "/links", "/id"}, {"/driver"}};
    json patched = json_patch::apply(doc, patch, rules);

    std::vector<std::string> read_only;
    for (const auto& root : json_patch::touched_roots(patch)) {
        const FieldSpec* f = find_node_field(root);
        if (f && !f->patchable) read_only.push_back("/" + root);
    }
    if (!read_only.empty())
        throw InvalidInput("The following fields can not be updated with PATCH: " + join(read_only, ", ") + ".");

    db::Record changes = json::object();
    for (auto it = patched.begin(); it != patched.end(); ++it) {
        if (node.value(it.key(), json()) == it.value()) continue;
        const FieldSpec* f = find_node_field(it.key());
        check_type(*f, it.value());
        changes[it.key()] = it.value();
    }
    if (changes.contains("name")) check_name(changes["name"]);
    if (changes.contains("instance_uuid") && changes["instance_uuid"].is_string())
        changes["instance_uuid"] = normalize_uuid(changes["instance_uuid"].get<std::string>());
    if (changes.contains("conductor_group")) {
        changes["conductor_group"] = to_lower(changes["conductor_group"].get<std::string>());
        check_conductor_group(changes["conductor_group"]);
    }
    if (changes.contains("maintenance") && changes["maintenance"] == false) {
        // Leaving maintenance clears its reason and fault, as in Ironic.
        changes["maintenance_reason"] = nullptr;
        changes["fault"] = nullptr;
    }
    if (changes.contains("chassis_uuid")) {
        changes["chassis_id"] = chassis_id_for(session, changes["chassis_uuid"]);
        changes.erase("chassis_uuid");
    }
    bool touches_interfaces = changes.contains("driver") || changes.contains("conductor_group");
    for (auto it = changes.begin(); it != changes.end() && !touches_interfaces; ++it)
        touches_interfaces = ends_with(it.key(), "_interface");
    if (touches_interfaces) {
        json composed = patched;
        for (auto it = changes.begin(); it != changes.end(); ++it) composed[it.key()] = it.value();
        // A driver change resets interfaces the new hardware type lacks;
        // interfaces removed with the patch (null) get the default again.
        conductor::compose_interfaces(ctx, composed, /*reset_unsupported=*/changes.contains("driver"));
        for (auto it = composed.begin(); it != composed.end(); ++it)
            if (ends_with(it.key(), "_interface") && node.value(it.key(), json()) != it.value())
                changes[it.key()] = it.value();
    }
    return changes;
}

}  // namespace ingot::api
