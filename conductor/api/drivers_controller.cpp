// /v1/drivers: the hardware types this conductor serves, from the live
// driver composition.
#include "common/errors.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"

namespace ingot::api {
namespace {

using conductor::Context;

void require_enabled(const Context& ctx, const std::string& name) {
    if (!ctx.drivers->hardware_type(name))
        throw NotFound("Could not find the following driver(s) or hardware type(s): " + name + ".");
}

// The interface kinds the detailed view shows at a version (storage from
// 1.33, rescue from 1.38, bios from 1.40).
bool kind_visible(const std::string& kind, const Version& v) {
    if (kind == "storage") return v.at_least(33);
    if (kind == "rescue") return v.at_least(38);
    if (kind == "bios") return v.at_least(40);
    return true;
}

json driver_view(const Context& ctx, const Request& req, const std::string& name, bool detail) {
    const std::string base = base_url(ctx, req);
    json out = {{"name", name}, {"hosts", json::array({ctx.hostname})}, {"links", links(base, "drivers/" + name)}};
    if (req.version.at_least(14)) out["properties"] = links(base, "drivers/" + name + "/properties");
    if (req.version.at_least(30)) {
        out["type"] = "dynamic";
        if (detail) {
            for (const auto& kind : interfaces::interface_kinds()) {
                if (!kind_visible(kind, req.version)) continue;
                std::string def = ctx.drivers->default_interface(name, kind);
                out["default_" + kind + "_interface"] = def.empty() ? json(nullptr) : json(def);
                out["enabled_" + kind + "_interfaces"] = ctx.drivers->enabled_interfaces(name, kind);
            }
        }
    }
    return out;
}

}  // namespace

void add_driver_routes(Router& router, Context& ctx) {
    router.add("GET", "/v1/drivers", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:driver:get");
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
        for (const auto& name : ctx.drivers->hardware_types()) drivers.push_back(driver_view(ctx, r, name, detail));
        return json_response(200, {{"drivers", drivers}});
    });
    router.add("GET", "/v1/drivers/{driver}", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:driver:get");
        require_enabled(ctx, r.param("driver"));
        // The single-driver view is always detailed from 1.30.
        return json_response(200, driver_view(ctx, r, r.param("driver"), true));
    });
    router.add("GET", "/v1/drivers/{driver}/properties", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:driver:get_properties");
        if (!ctx.drivers->hardware_type(r.param("driver")))
            throw NotFound("The driver '" + r.param("driver") + "' is unknown.");
        json out = json::object();
        for (const auto& p : ctx.drivers->properties(r.param("driver"))) out[p.name] = p.description;
        return json_response(200, out);
    });
}

}  // namespace ingot::api
