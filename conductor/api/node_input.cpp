#include "conductor/api/node_input.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "boot/boot_files.h"
#include "common/config.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/json_patch.h"
#include "common/strings.h"
#include "conductor/api/node_fields.h"

namespace ingot::api {
namespace {

const char* type_name(FieldType t) {
    switch (t) {
        case FieldType::string:
            return "string";
        case FieldType::boolean:
            return "boolean";
        case FieldType::object:
            return "object";
        case FieldType::string_list:
            return "array";
        case FieldType::uuid:
            return "string";
    }
    return "?";
}

void check_type(const FieldSpec& f, const json& v) {
    bool ok = false;
    if (v.is_null()) {
        ok = f.nullable;
    } else {
        switch (f.type) {
            case FieldType::string:
                ok = v.is_string();
                break;
            case FieldType::uuid:
                ok = v.is_string();
                break;
            case FieldType::boolean:
                ok = v.is_boolean();
                break;
            case FieldType::object:
                ok = v.is_object();
                break;
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

// Ironic's node name rules: from 1.10 RFC 3986 unreserved characters; 1.5
// to 1.9 lower-case host names; never UUID-like or a reserved word.
bool is_valid_node_name(const std::string& name, const Version& version) {
    if (is_uuid_like(name)) return false;
    if (version.at_least(10)) return is_valid_logical_name(name);
    static const std::regex hostname(R"(^[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?(\.[a-z0-9\-_]{0,62}[a-z0-9])*\.?$)");
    return name.size() <= 255 && std::regex_match(name, hostname);
}

void check_name(const json& name, const Request& req, const std::string& creating_or_ident) {
    if (!name.is_string()) return;
    const std::string n = name.get<std::string>();
    static const std::vector<std::string> reserved = {"maintenance",     "management", "states",
                                                      "vendor_passthru", "detail",     "validate"};
    if (std::find(reserved.begin(), reserved.end(), n) != reserved.end()) {
        throw InvalidInput("The word \"" + n +
                           "\" is reserved and can not be used as a node name. Reserved words "
                           "are: maintenance, management, states, vendor_passthru, detail, validate.");
    }
    if (is_valid_node_name(n, req.version)) return;
    if (creating_or_ident.empty()) throw InvalidInput("Cannot create node with invalid name '" + n + "'");
    throw InvalidInput("Node " + creating_or_ident + ": Cannot change name to invalid name '" + n + "'");
}

// Boolean fields accept oslo's strict boolean strings ("yes", "0", ...).
void coerce_booleans(json& values) {
    for (const char* key : {"automated_clean", "console_enabled", "maintenance", "retired", "protected"}) {
        if (!values.contains(key) || !values[key].is_string()) continue;
        bool b = false;
        const std::string text = values[key].get<std::string>();
        if (!config::parse_bool(text, b))
            throw InvalidInput(std::string("Invalid ") + key + ": Unrecognized value '" + text +
                               "', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', "
                               "'true', 'y', 'yes'");
        values[key] = b;
    }
}

void check_conductor_group(const json& group) {
    if (!group.is_string()) return;
    for (char c : group.get<std::string>()) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
            throw InvalidInput("Invalid conductor_group '" + group.get<std::string>() +
                               "': only letters, digits, '_', '-' and '.' are allowed.");
    }
}

json empty_value(const FieldSpec& f) {
    if (f.type == FieldType::object) return json::object();
    if (f.type == FieldType::string_list) return json::array();
    if (f.name == "conductor_group") return "";
    if (f.type == FieldType::boolean && !f.nullable) return false;
    return nullptr;
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
        // A field newer than the negotiated version does not exist for this
        // client, unless it is sent empty.
        bool empty = it.value().is_null() || (it.key() == "conductor_group" && it.value() == "");
        if (!req.version.at_least(f->since) && !empty) throw NotAcceptable("Request not acceptable.");
        check_type(*f, it.value());
    }
    if (!unexpected.empty()) {
        std::string list;
        for (size_t i = 0; i < unexpected.size(); ++i) list += (i ? ", '" : "'") + unexpected[i] + "'";
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

db::Record node_for_create(const conductor::Context& ctx, const Request& req, const json& body, db::Session& session) {
    db::Record node = body;
    coerce_booleans(node);
    check_client_fields(req, node, /*creating=*/true);
    if (!node.contains("driver")) throw InvalidInput("Schema error for node: 'driver' is a required property");
    if (node.contains("name")) check_name(node["name"], req, "");
    // Empty values count as not given (Ironic fills defaults for them).
    for (const char* key : {"driver_info", "extra", "instance_info", "properties"})
        if (node.contains(key) && node[key].is_null()) node.erase(key);
    node["uuid"] = node.contains("uuid") ? normalize_uuid(node["uuid"].get<std::string>()) : generate_uuid();
    node["conductor_group"] = to_lower(node.value("conductor_group", std::string()));
    check_conductor_group(node["conductor_group"]);
    // Boot files embed it: refused here rather than at the first deploy.
    if (node.contains("driver_info")) boot::check_kernel_append_params(node["driver_info"], ctx.boot);
    ctx.drivers->compose(node, /*reset_unsupported=*/false);
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

    if (!patch.is_array()) throw InvalidInput("Schema error for patch: " + patch.dump() + " is not of type 'array'");
    // Only Ironic's PATCH_ALLOWED_FIELDS may be touched; newer ones are 406.
    std::vector<std::string> allowed;
    for (const auto& f : node_fields())
        if (f.patchable) allowed.push_back(f.name);
    for (const auto& op : patch) {
        if (!op.is_object() || !op.contains("path") || !op["path"].is_string()) continue;  // json_patch reports it
        std::string path = op["path"].get<std::string>();
        std::string root =
            path.substr(1, path.find('/', 1) == std::string::npos ? std::string::npos : path.find('/', 1) - 1);
        const FieldSpec* f = find_node_field(root);
        if (!f || !f->patchable)
            throw InvalidInput("Cannot patch " + path + ". Only the following can be updated: " + join(allowed, ", "));
        if (!req.version.at_least(f->since) && op.value("op", "") != "remove")
            throw NotAcceptable("Request not acceptable.");
    }
    json_patch::Rules rules{{"/uuid", "/created_at", "/updated_at", "/links", "/id"}, {"/driver"}};
    json patched = json_patch::apply(doc, patch, rules);
    coerce_booleans(patched);

    db::Record changes = json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        const FieldSpec* f = find_node_field(it.key());
        // A removed attribute goes back to its empty value.
        json value = patched.contains(it.key()) ? patched[it.key()] : empty_value(*f);
        if (node.value(it.key(), json()) == value) continue;
        check_type(*f, value);
        changes[it.key()] = value;
    }
    if (changes.contains("name")) check_name(changes["name"], req, node["uuid"].get<std::string>());
    if (changes.contains("instance_uuid") && changes["instance_uuid"].is_string())
        changes["instance_uuid"] = normalize_uuid(changes["instance_uuid"].get<std::string>());
    if (changes.contains("conductor_group")) {
        changes["conductor_group"] = to_lower(changes["conductor_group"].get<std::string>());
        check_conductor_group(changes["conductor_group"]);
    }
    if (changes.contains("driver_info")) boot::check_kernel_append_params(changes["driver_info"], ctx.boot);
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
        ctx.drivers->compose(composed, /*reset_unsupported=*/changes.contains("driver"));
        for (auto it = composed.begin(); it != composed.end(); ++it)
            if (ends_with(it.key(), "_interface") && node.value(it.key(), json()) != it.value())
                changes[it.key()] = it.value();
    }
    return changes;
}

}  // namespace ingot::api
