#include "conductor/api/node_view.h"

#include <algorithm>

#include "common/errors.h"
#include "common/secrets.h"
#include "common/strings.h"
#include "conductor/api/authorization.h"
#include "conductor/api/node_fields.h"

namespace ingot::api {

json node_conductor(const conductor::Context& ctx, const db::Record& node) {
    const std::string driver = node.value("driver", std::string());
    bool served = ctx.drivers->hardware_type(driver) != nullptr &&
                  to_lower(node.value("conductor_group", std::string())) == to_lower(ctx.conductor_group);
    return served ? json(ctx.hostname) : json(nullptr);
}

interfaces::NodeEvent node_event(const conductor::Context& ctx, const db::Record& node) {
    Request latest;
    latest.version = kMaxVersion;
    latest.base_url = ctx.public_endpoint;
    NodeViewOptions everything;
    everything.redact_for_caller = false;
    return {node.at("uuid").get<std::string>(), node_view(ctx, latest, node, everything)};
}

json provision_state_for_version(const json& state, const Version& version) {
    if (state == "available" && !version.at_least(2)) return nullptr;
    if (state == "inspect wait" && !version.at_least(39)) return "inspecting";
    return state;
}

void check_node_fields(const Request& req, const std::vector<std::string>& fields) {
    if (!req.version.at_least(8)) throw NotAcceptable("Request not acceptable.");
    std::vector<std::string> unknown;
    for (const auto& f : fields) {
        const FieldSpec* spec = find_node_field(f);
        if (!spec) {
            unknown.push_back(f);
            continue;
        }
        if (!req.version.at_least(spec->since)) throw NotAcceptable("Request not acceptable.");
    }
    if (!unknown.empty()) throw InvalidInput("Field(s) \"" + join(unknown, ", ") + "\" are not valid");
}

std::vector<std::string> node_columns_for(const std::vector<std::string>& fields) {
    std::vector<std::string> cols = {"uuid"};
    auto add = [&](const std::string& c) {
        if (std::find(cols.begin(), cols.end(), c) == cols.end()) cols.push_back(c);
    };
    for (const auto& f : fields) {
        if (f == "conductor") {
            add("driver");
            add("conductor_group");
        } else {
            add(f);
        }
    }
    return cols;
}

namespace {

// Ironic's node_sanitize: below baremetal:node:get:filter_threshold (a
// lessee, a project reader), fields that reveal the infrastructure are
// replaced by a note naming the rule that would show them.
void redact_by_policy(const conductor::Context& ctx, const Request& req, const db::Record& node, json& out) {
    if (allowed(ctx, req, "baremetal:node:get:filter_threshold")) return;
    const auto target = node_target(node);
    auto hidden = [&](const char* field, const char* rule) {
        return out.contains(field) && !allowed(ctx, req, rule, target);
    };
    if (hidden("last_error", "baremetal:node:get:last_error"))
        out["last_error"] = "** Value Redacted - Requires baremetal:node:get:last_error permission. **";
    if (hidden("reservation", "baremetal:node:get:reservation"))
        out["reservation"] = "** Redacted - requires baremetal:node:get:reservation permission. **";
    if (hidden("driver_internal_info", "baremetal:node:get:driver_internal_info"))
        out["driver_internal_info"] = {
            {"content", "** Redacted - Requires baremetal:node:get:driver_internal_info permission. **"}};
    if (hidden("driver_info", "baremetal:node:get:driver_info"))
        out["driver_info"] = {{"content", "** Redacted - requires baremetal:node:get:driver_info permission. **"}};
}

}  // namespace

json node_view(const conductor::Context& ctx, const Request& req, const db::Record& node,
               const NodeViewOptions& options) {
    json out = json::object();
    auto include = [&](const FieldSpec& f) {
        if (!req.version.at_least(f.since)) return false;
        if (!options.fields) return true;
        return std::find(options.fields->begin(), options.fields->end(), f.name) != options.fields->end();
    };
    for (const auto& f : node_fields()) {
        if (!include(f)) continue;
        if (f.name == "conductor") {
            out["conductor"] = node_conductor(ctx, node);
        } else {
            out[f.name] = node.value(f.name, json());
        }
    }
    for (const char* key : {"provision_state", "target_provision_state"})
        if (out.contains(key)) out[key] = provision_state_for_version(out[key], req.version);
    // Secrets never leave the conductor.
    for (const char* key : {"driver_info", "instance_info", "driver_internal_info"})
        if (out.contains(key)) mask_secrets(out[key]);
    if (options.redact_for_caller) redact_by_policy(ctx, req, node, out);

    const std::string base = base_url(ctx, req);
    const std::string uuid = node.at("uuid").get<std::string>();
    out["links"] = links(base, "nodes/" + uuid);
    if (options.sub_resource_links && !options.fields) {
        out["ports"] = links(base, "nodes/" + uuid + "/ports");
        if (req.version.at_least(14)) out["states"] = links(base, "nodes/" + uuid + "/states");
        if (req.version.at_least(24)) out["portgroups"] = links(base, "nodes/" + uuid + "/portgroups");
        if (req.version.at_least(32)) out["volume"] = links(base, "nodes/" + uuid + "/volume");
    }
    return out;
}

}  // namespace ingot::api
