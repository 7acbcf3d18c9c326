// /v1/drivers: the hardware types this conductor serves.
#include <algorithm>

#include "common/errors.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"
#include "interfaces/hardware_type.h"

namespace ingot::api {
namespace {

using conductor::Context;

const interfaces::HardwareType& enabled_type(const Context& ctx, const std::string& name) {
    const auto& enabled = ctx.enabled_hardware_types;
    const auto* type = interfaces::find_builtin_hardware_type(name);
    if (!type || std::find(enabled.begin(), enabled.end(), name) == enabled.end())
        throw NotFound("Could not find the following driver(s) or hardware type(s): " + name + ".");
    return *type;
}

json driver_view(const Context& ctx, const Request& req, const interfaces::HardwareType& type, bool detail) {
    const std::string base = base_url(ctx, req);
    json out = {{"name", type.name},
                {"hosts", json::array({ctx.hostname})},
                {"links", links(base, "drivers/" + type.name)}};
    if (req.version.at_least(14)) out["properties"] = links(base, "drivers/" + type.name + "/properties");
    if (req.version.at_least(30)) {
        out["type"] = "dynamic";
        if (detail) {
            for (const auto& kind : interfaces::interface_kinds()) {
                const auto& supported = type.supported.at(kind);
                out["default_" + kind + "_interface"] = supported.front();
                out["enabled_" + kind + "_interfaces"] = supported;
            }
        }
    }
    return out;
}

}  // namespace

void add_driver_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/drivers", [&ctx](const Request& r) {
        check_query_args(r, {"type", "detail"});
        bool detail = query_bool(r, "detail").value_or(false);
        if ((r.query_value("detail") || r.query_value("type")) && !r.version.at_least(30))
            throw NotAcceptable("Request not acceptable. The minimal required API version should be 1.30");
        if (auto t = r.query_value("type")) {
            if (*t != "classic" && *t != "dynamic")
                throw InvalidInput("\"type\" filter must be one of \"classic\" or \"dynamic\", if specified.");
            if (*t == "classic") return json_response(200, {{"drivers", json::array()}});
        }
        json drivers = json::array();
        for (const auto& name : ctx.enabled_hardware_types) drivers.push_back(driver_view(ctx, r, enabled_type(ctx, name), detail));
        return json_response(200, {{"drivers", drivers}});
    });
    router.add("GET", "/v1/drivers/{driver}", [&ctx](const Request& r) {
        // The single-driver view is always detailed from 1.30.
        return json_response(200, driver_view(ctx, r, enabled_type(ctx, r.param("driver")), true));
    });
    router.add("GET", "/v1/drivers/{driver}/properties", [&ctx](const Request& r) {
        const auto& enabled = ctx.enabled_hardware_types;
        if (std::find(enabled.begin(), enabled.end(), r.param("driver")) == enabled.end())
            throw NotFound("The driver '" + r.param("driver") + "' is unknown.");
        const auto& type = enabled_type(ctx, r.param("driver"));
        json out = json::object();
        for (const auto& kind : interfaces::interface_kinds())
            for (const auto& p : interfaces::implementation_properties(kind, type.supported.at(kind).front()))
                out[p.name] = p.description;
        return json_response(200, out);
    });
}

}  // namespace ingot::api
