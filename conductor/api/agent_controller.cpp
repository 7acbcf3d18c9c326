// The ramdisk agent's two calls (Ironic's ramdisk.py, microversion 1.22+):
// GET /v1/lookup finds the node an agent runs on and hands it its token and
// configuration; POST /v1/heartbeat/{node} tells the conductor the agent is
// alive and where to reach it. Both answer fast; the heartbeat's work runs
// on a pool worker.
#include <algorithm>
#include <set>

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/strings.h"
#include "common/x509.h"
#include "conductor/agent_heartbeat.h"
#include "conductor/agent_lookup_conflict.h"
#include "conductor/agent_token.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"
#include "conductor/api/node_lookup.h"
#include "conductor/api/node_view.h"
#include "conductor/node_reservation.h"
#include "conductor/state_machine.h"

namespace ingot::api {
namespace {

using conductor::Context;

// Ironic's LOOKUP_ALLOWED_STATES: where a node expects an agent to find it.
bool lookup_allowed(const std::string& state) {
    namespace st = conductor::states;
    static const std::set<std::string> allowed = {st::kDeploying,  st::kDeployWait,  st::kCleaning, st::kCleanWait,
                                                  st::kInspecting, st::kInspectWait, st::kRescuing, st::kRescueWait};
    return allowed.count(state) > 0;
}

// Ironic answers the same bare 404 for "no such node" and "not in a state
// for lookup", so an agent cannot tell them apart.
[[noreturn]] void not_found() {
    throw NotFound("Resource could not be found.");
}

void require_ramdisk_version(const Request& req) {
    if (!req.version.at_least(22)) not_found();
}

std::vector<std::string> valid_macs(const Request& req) {
    std::vector<std::string> macs, invalid;
    auto addresses = req.query_value("addresses");
    if (!addresses) return macs;
    for (const auto& raw : split(*addresses, ',')) {
        std::string mac;
        if (raw.empty()) continue;
        if (normalize_mac(raw, mac))
            macs.push_back(mac);
        else
            invalid.push_back(raw);
    }
    if (!invalid.empty()) log::warning("agent.lookup_invalid_macs", {{"addresses", join(invalid, ", ")}});
    return macs;
}

// Beyond Ironic: a UUID is no secret (the API lists them), so a lookup by
// UUID alone would let anyone on the network claim a node. When the node
// has ports, one of the agent's MACs must be among them.
db::Record find_by_uuid(db::Session& s, const std::string& uuid, const std::vector<std::string>& macs) {
    auto node = s.find(db::nodes_table(), "uuid", normalize_uuid(uuid));
    if (!node) not_found();
    db::ListQuery q;
    q.filters = {{"node_id", db::Filter::Op::eq, (*node)["id"]}};
    q.columns = {"id", "address"};
    const auto ports = s.list(db::ports_table(), q);
    if (ports.empty()) return *node;
    for (const auto& port : ports)
        if (std::find(macs.begin(), macs.end(), port.value("address", std::string())) != macs.end()) return *node;
    log::warning("agent.lookup_refused",
                 {{"node", (*node)["uuid"].get<std::string>()}, {"reason", "node_uuid without a MAC of its ports"}});
    not_found();
}

db::Record find_by_macs(db::Session& s, const std::vector<std::string>& macs) {
    std::set<int64_t> node_ids;
    for (const auto& mac : macs) {
        auto port = s.find(db::ports_table(), "address", mac, {"node_id"});
        if (port) node_ids.insert((*port)["node_id"].get<int64_t>());
    }
    // Several nodes for one agent's MACs: none can be trusted.
    if (node_ids.size() != 1) not_found();
    auto node = s.find(db::nodes_table(), "id", *node_ids.begin());
    if (!node) not_found();
    return *node;
}

json agent_config(const Context& ctx, const std::string& token) {
    return {{"metrics",
             {{"backend", "noop"},
              {"prepend_host", false},
              {"prepend_uuid", false},
              {"prepend_host_reverse", true},
              {"global_prefix", nullptr}}},
            {"metrics_statsd", {{"statsd_host", "localhost"}, {"statsd_port", 8125}}},
            {"heartbeat_timeout", ctx.config.get_int("api", "ramdisk_heartbeat_timeout")},
            {"agent_token", token},
            // Ingot always requires the token, as Ironic does from Victoria.
            {"agent_token_required", true},
            // How the agent judges images (IPA reads the same keys).
            {"agent_md5_checksum_enable", ctx.config.get_bool("agent", "allow_md5_checksum")},
            {"disable_deep_image_inspection", ctx.config.get_bool("conductor", "disable_deep_image_inspection")},
            {"permitted_image_formats", ctx.config.get_list("conductor", "permitted_image_formats")},
            {"agent_skip_bmc_detect", false}};
}

Response lookup(Context& ctx, const Request& req) {
    require_ramdisk_version(req);
    check_query_args(req, {"addresses", "node_uuid"});
    const auto macs = valid_macs(req);
    auto node_uuid = req.query_value("node_uuid");
    if (node_uuid && !is_uuid_like(*node_uuid)) throw InvalidInput("Expected UUID for node_uuid: " + *node_uuid);
    if (macs.empty() && !node_uuid)
        throw InvalidInput("At least one of 'addresses' and 'node_uuid' parameters is required");

    db::Record node;
    {
        db::Session s(*ctx.database);
        node = node_uuid ? find_by_uuid(s, *node_uuid, macs) : find_by_macs(s, macs);
    }
    const std::string state = node["provision_state"].is_string() ? node["provision_state"].get<std::string>() : "";
    const bool fast_track = ctx.config.get_bool("deploy", "fast_track") && conductor::fast_track_state(state);
    if (ctx.config.get_bool("api", "restrict_lookup") && !lookup_allowed(state) && !fast_track) {
        log::warning("agent.lookup_refused", {{"node", node["uuid"].get<std::string>()}, {"state", state}});
        not_found();
    }
    // Ironic mints tokens only from 1.62; Ingot always requires them. The
    // first lookup gets one; a virtual-media agent, which has its own, the
    // mask; any later lookup the bare 404 (agent_lookup_conflict.h).
    const auto grant = conductor::agent_token_for_lookup(ctx, node, req.remote_address);
    using Kind = conductor::LookupGrant::Kind;
    if (grant.kind == Kind::second) conductor::report_second_lookup(ctx, node, req.remote_address, grant.issued_to);
    if (grant.kind == Kind::second || grant.kind == Kind::after_conflict) {
        log::warning("agent.lookup_refused", {{"node", node["uuid"].get<std::string>()},
                                              {"reason", "the token was handed out already"},
                                              {"caller", req.remote_address}});
        not_found();
    }
    const std::string& token = grant.token;
    {
        db::Session s(*ctx.database);
        if (auto fresh = s.find(db::nodes_table(), "id", node["id"])) node = *fresh;
    }
    NodeViewOptions view;
    view.fields = std::vector<std::string>{"uuid", "properties", "instance_info", "driver_internal_info"};
    view.sub_resource_links = false;
    view.redact_for_caller = false;  // the token is what entitles the agent
    return json_response(200, {{"node", node_view(ctx, req, node, view)}, {"config", agent_config(ctx, token)}});
}

std::optional<std::string> string_arg(const json& args, const std::string& name) {
    auto it = args.find(name);
    if (it == args.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw InvalidInput("Expected string for " + name + ": " + it->dump());
    return it->get<std::string>();
}

// The arguments from the JSON body, or from the query string as pecan also
// accepts them.
json heartbeat_args(const Request& req) {
    static const std::vector<std::string> known = {"callback_url",    "agent_version", "agent_token",
                                                   "agent_verify_ca", "agent_status",  "agent_status_message"};
    json args = req.body.empty() ? json::object() : parse_object_body(req);
    for (const auto& [k, v] : req.query)
        if (!args.contains(k)) args[k] = v;
    std::vector<std::string> unexpected;
    for (auto it = args.begin(); it != args.end(); ++it)
        if (std::find(known.begin(), known.end(), it.key()) == known.end()) unexpected.push_back(it.key());
    if (!unexpected.empty()) throw InvalidInput("Unexpected arguments: " + join(unexpected, ", "));
    return args;
}

bool is_http_url(const std::string& url) {
    auto colon = url.find("://");
    return colon != std::string::npos && url.substr(0, colon).find("http") != std::string::npos &&
           url.size() > colon + 3;
}

// The token is valid: the heartbeat must also come from where the token
// went (unless [api] agent_heartbeat_address_check is off for agents
// behind a changing NAT). From elsewhere, the token leaked.
void check_origin(Context& ctx, const Request& req, const db::Record& node) {
    if (!ctx.config.get_bool("api", "agent_heartbeat_address_check")) return;
    const json& internal = node["driver_internal_info"];
    const std::string bound = internal.is_object() ? internal.value(conductor::kAgentAddressKey, std::string()) : "";
    if (bound.empty() || bound == req.remote_address) return;
    conductor::report_foreign_heartbeat(ctx, node, req.remote_address);
    throw InvalidInput("Heartbeat refused: it did not come from the address the agent token was issued to.");
}

// Plain HTTP to an agent is refused ([agent] require_tls); a certificate it
// sends must be one, and once pinned (the first heartbeat's) it is the
// only one: the token binds it, as it binds the callback URL.
void check_agent_tls(Context& ctx, const db::Record& node, const std::string& callback_url,
                     const std::optional<std::string>& agent_verify_ca) {
    const std::string uuid = node["uuid"].get<std::string>();
    if (ctx.config.get_bool("agent", "require_tls") && !callback_url.empty() &&
        !starts_with(to_lower(callback_url), "https://"))
        throw InvalidInput("Agent callback URL must use https: this conductor does not talk plain HTTP to agents "
                           "([agent] require_tls).");
    if (!agent_verify_ca) return;
    try {
        x509::inspect_pem(*agent_verify_ca);
    } catch (const InvalidInput& e) {
        throw InvalidInput(std::string("Invalid agent_verify_ca: ") + e.what());
    }
    const json& internal = node["driver_internal_info"];
    if (internal.is_object() && internal.contains("agent_verify_ca") && internal["agent_verify_ca"] != *agent_verify_ca) {
        log::error("agent.certificate_changed", {{"node", uuid}});
        throw InvalidInput("Detected change in ramdisk provided \"agent_verify_ca\"");
    }
}

Response heartbeat(Context& ctx, const Request& req) {
    require_ramdisk_version(req);
    json args = heartbeat_args(req);
    auto callback_url = string_arg(args, "callback_url");
    auto agent_version = string_arg(args, "agent_version");
    auto agent_token = string_arg(args, "agent_token");
    auto agent_verify_ca = string_arg(args, "agent_verify_ca");
    auto agent_status = string_arg(args, "agent_status");
    auto agent_status_message = string_arg(args, "agent_status_message");
    if (!callback_url) throw InvalidInput("Missing mandatory parameter: callback_url");
    if (agent_version && !req.version.at_least(36)) throw InvalidInput("Field \"agent_version\" not recognised");
    if ((agent_status || agent_status_message) && !req.version.at_least(72))
        throw InvalidInput("Fields \"agent_status\" and \"agent_status_message\" not recognised.");
    if (agent_verify_ca && !req.version.at_least(68))
        throw InvalidInput("Field \"agent_verify_ca\" not recognised in this version");

    db::Record node;
    {
        db::Session s(*ctx.database);
        node = find_node(s, req, req.param("node"));
    }
    const std::string uuid = node["uuid"].get<std::string>();
    const json& internal = node["driver_internal_info"];
    // An empty URL is the one-way heartbeat of Anaconda-style ramdisks.
    if (!callback_url->empty() && !is_http_url(*callback_url))
        throw InvalidInput("An issue with the supplied \"callback_url\" has been detected.");
    if (internal.is_object() && internal.contains("agent_url") && internal["agent_url"] != *callback_url) {
        log::error("agent.callback_url_changed", {{"node", uuid}, {"callback_url", *callback_url}});
        throw InvalidInput("Detected change in ramdisk provided \"callback_url\"");
    }
    if (!agent_token) {
        log::error("agent.heartbeat_without_token", {{"node", uuid}});
        throw InvalidInput("Agent token is required for heartbeat processing.");
    }
    static const std::vector<std::string> statuses = {"start", "end", "error"};
    if (agent_status && std::find(statuses.begin(), statuses.end(), *agent_status) == statuses.end())
        throw InvalidInput("Agent status is invalid. Valid states are start,end,error.");
    if (!agent_version && !agent_status)
        throw InvalidInput(
            "Agent did not transmit a version, and a version is required. Please update the agent being used.");
    if (!conductor::agent_token_valid(node, *agent_token)) {
        log::error("agent.invalid_token", {{"node", uuid}});
        throw InvalidInput("Invalid or missing agent token received.");
    }
    check_origin(ctx, req, node);
    check_agent_tls(ctx, node, *callback_url, agent_verify_ca);
    // As Ironic: a locked node that has not recorded its agent yet gets a
    // 409, so the agent retries soon instead of a whole interval later.
    if (!(internal.is_object() && internal.contains("agent_url")) && !node["reservation"].is_null())
        conductor::throw_node_locked(node);

    json info = {{"callback_url", *callback_url}};
    if (agent_version) info["agent_version"] = *agent_version;
    if (agent_verify_ca) info["agent_verify_ca"] = *agent_verify_ca;
    if (agent_status) info["agent_status"] = *agent_status;
    if (agent_status_message) info["agent_status_message"] = *agent_status_message;
    conductor::start_heartbeat(ctx, node, info, {req.remote_address, req.scheme, *agent_token});
    Response r;
    r.status = 202;
    return r;
}

}  // namespace

void add_agent_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/lookup", [&ctx](const Request& r) { return lookup(ctx, r); });
    router.add("POST", "/v1/heartbeat/{node}", [&ctx](const Request& r) { return heartbeat(ctx, r); });
}

}  // namespace ingot::api
