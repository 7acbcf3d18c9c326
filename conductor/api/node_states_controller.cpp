// /v1/nodes/{node}/states: the node's states, and requests to change them
// (power here; provisioning with the state machine).
#include <algorithm>

#include "common/errors.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"
#include "conductor/api/node_lookup.h"
#include "conductor/api/node_view.h"
#include "conductor/power_actions.h"
#include "conductor/provisioning.h"
#include "conductor/state_machine.h"
#include "interfaces/power.h"

namespace ingot::api {
namespace {

using conductor::Context;

Response get_states(Context& ctx, const Request& req) {
    db::Session session(*ctx.database);
    db::Record node = find_authorized_node(ctx, session, req, req.param("node"), {"baremetal:node:get_states"});
    json out = {{"power_state", node["power_state"]},
                {"target_power_state", node["target_power_state"]},
                {"provision_state", provision_state_for_version(node["provision_state"], req.version)},
                {"target_provision_state", provision_state_for_version(node["target_provision_state"], req.version)},
                {"provision_updated_at", node["provision_updated_at"]},
                {"last_error", node["last_error"]},
                {"console_enabled", node["console_enabled"]}};
    if (req.version.at_least(12)) {
        out["raid_config"] = node["raid_config"];
        out["target_raid_config"] = node["target_raid_config"];
    }
    if (req.version.at_least(75)) {
        out["boot_mode"] = node["boot_mode"];
        out["secure_boot"] = node["secure_boot"];
    }
    return json_response(200, out);
}

Response set_power_state(Context& ctx, const Request& req) {
    check_query_args(req, {});
    json body = req.body.empty() ? json::object() : parse_object_body(req);
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != "target" && it.key() != "timeout") throw InvalidInput("Unexpected arguments: " + it.key());
    if (!body.contains("target")) throw InvalidInput("Missing mandatory parameter: target");
    if (!body["target"].is_string()) throw InvalidInput("Invalid input for field/attribute target: must be a string.");
    const std::string target = body["target"].get<std::string>();

    std::optional<int> timeout;
    if (body.contains("timeout") && !body["timeout"].is_null()) {
        if (!req.version.at_least(27)) throw NotAcceptable("Request not acceptable.");
        if (!body["timeout"].is_number_integer() || body["timeout"].get<long long>() < 1)
            throw InvalidInput("timeout has to be positive integer");
        timeout = static_cast<int>(std::min<long long>(body["timeout"].get<long long>(), 86400));
    }
    const bool soft = target == interfaces::kSoftPowerOff || target == interfaces::kSoftRebooting;
    if (soft && !req.version.at_least(27)) throw NotAcceptable("Request not acceptable.");

    db::Record node;
    {
        db::Session s(*ctx.database);
        node = find_authorized_node(ctx, s, req, req.param("node"), {"baremetal:node:set_power_state"});
    }
    const json& power_state = node["power_state"];
    static const std::vector<std::string> targets = {interfaces::kPowerOn, interfaces::kPowerOff,
                                                     interfaces::kRebooting, interfaces::kSoftPowerOff,
                                                     interfaces::kSoftRebooting};
    if (std::find(targets.begin(), targets.end(), target) == targets.end()) {
        throw InvalidInput("The requested action \"" + target + "\" can not be performed on node \"" +
                           node["uuid"].get<std::string>() + "\" while it is in state \"" +
                           (power_state.is_string() ? power_state.get<std::string>() : "None") + "\".");
    }
    if (soft) {
        // As Ironic's conductor: the driver must offer the soft action.
        interfaces::Task task(node, ctx.hostname);
        auto supported = ctx.drivers->power(node["power_interface"].get<std::string>()).supported_power_states(task);
        if (std::find(supported.begin(), supported.end(), target) == supported.end())
            throw InvalidInput("The desired power state '" + target + "' is not supported by the power interface " +
                               node["power_interface"].get<std::string>() + " of node " +
                               node["uuid"].get<std::string>() + ".");
    }
    const std::string provision = node["provision_state"].is_string() ? node["provision_state"].get<std::string>() : "";
    if (provision == "cleaning" || provision == "clean wait") {
        throw InvalidInput("Can not change the power state of node " + node["uuid"].get<std::string>() +
                           " while it is in state \"" + provision + "\".");
    }
    conductor::start_power_action(ctx, node, target, timeout);
    Response r;
    r.status = 202;
    r.headers.emplace_back("Location", base_url(ctx, req) + "/v1/nodes/" + req.param("node") + "/states");
    return r;
}

Response set_provision_state(Context& ctx, const Request& req) {
    check_query_args(req, {});
    json body = req.body.empty() ? json::object() : parse_object_body(req);
    static const std::vector<std::string> allowed = {"target",       "configdrive",     "clean_steps",
                                                     "deploy_steps", "rescue_password", "disable_ramdisk"};
    for (auto it = body.begin(); it != body.end(); ++it)
        if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
            throw InvalidInput("Unexpected arguments: " + it.key());
    if (!body.contains("target")) throw InvalidInput("Missing mandatory parameter: target");
    if (!body["target"].is_string()) throw InvalidInput("Invalid input for field/attribute target: must be a string.");
    auto since = [&](const char* key, int minor) {
        if (body.contains(key) && !body[key].is_null() && !req.version.at_least(minor))
            throw NotAcceptable("Request not acceptable.");
    };
    since("clean_steps", 15);
    since("rescue_password", 38);
    since("deploy_steps", 69);
    since("disable_ramdisk", 70);
    if (body.contains("configdrive") && body["configdrive"].is_object() && !req.version.at_least(56))
        throw NotAcceptable("Request not acceptable.");

    conductor::ProvisionRequest request;
    request.verb = body["target"].get<std::string>();
    if (const auto* verb = conductor::states::find_verb(request.verb); verb && !req.version.at_least(verb->since))
        throw NotAcceptable("Request not acceptable.");
    request.configdrive = body.value("configdrive", json());
    request.clean_steps = body.value("clean_steps", json());
    request.deploy_steps = body.value("deploy_steps", json());
    if (body.contains("rescue_password") && !body["rescue_password"].is_null()) {
        if (!body["rescue_password"].is_string()) throw InvalidInput("rescue_password must be a string");
        request.rescue_password = body["rescue_password"].get<std::string>();
    }
    db::Record node;
    {
        db::Session s(*ctx.database);
        std::vector<std::string> rules = {"baremetal:node:set_provision_state"};
        if (request.verb == "clean" && !request.clean_steps.is_null())
            rules.push_back("baremetal:node:set_provision_state:clean_steps");
        node = find_authorized_node(ctx, s, req, req.param("node"), rules);
    }
    conductor::start_provision_action(ctx, node, request);
    Response r;
    r.status = 202;
    r.headers.emplace_back("Location", base_url(ctx, req) + "/v1/nodes/" + req.param("node") + "/states");
    return r;
}

}  // namespace

void add_node_state_routes(Router& router, Context& ctx) {
    router.add("PUT", "/v1/nodes/{node}/states/provision",
               [&ctx](const Request& r) { return set_provision_state(ctx, r); });
    router.add("GET", "/v1/nodes/{node}/states", [&ctx](const Request& r) { return get_states(ctx, r); });
    router.add("PUT", "/v1/nodes/{node}/states/power", [&ctx](const Request& r) { return set_power_state(ctx, r); });
}

}  // namespace ingot::api
