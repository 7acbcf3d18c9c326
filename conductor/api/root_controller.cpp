// GET / and GET /v1: version discovery, which stock clients use to
// negotiate a microversion.
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"

namespace ingot::api {
namespace {

json version_doc(const std::string& base) {
    return {{"id", "v1"},
            {"links", json::array({{{"href", base + "/v1/"}, {"rel", "self"}}})},
            {"min_version", kMinVersion.str()},
            {"status", "CURRENT"},
            {"version", kMaxVersion.str()}};
}

}  // namespace

void add_root_routes(Router& router, conductor::Context& ctx) {
    router.add("GET", "/", [&ctx](const Request& req) {
        std::string base = base_url(ctx, req);
        return json_response(200, {{"name", "OpenStack Ironic API"},
                                   {"description", "Ingot: an Ironic-compatible bare-metal provisioning service."},
                                   {"default_version", version_doc(base)},
                                   {"versions", json::array({version_doc(base)})}});
    });
    router.add("GET", "/v1", [&ctx](const Request& req) {
        std::string base = base_url(ctx, req);
        json doc = {
            {"id", "v1"},
            {"links", json::array({{{"href", base + "/v1/"}, {"rel", "self"}},
                                   {{"href", "https://docs.openstack.org//ironic/latest/contributor//webapi.html"},
                                    {"rel", "describedby"},
                                    {"type", "text/html"}}})},
            {"media_types", {{"base", "application/json"}, {"type", "application/vnd.openstack.ironic.v1+json"}}},
            {"version", version_doc(base)},
        };
        for (const char* r : {"chassis", "nodes", "ports", "drivers"}) doc[r] = links(base, std::string(r) + "/");
        if (req.version.at_least(49)) doc["conductors"] = links(base, "conductors/");
        // Ingot's addition: the loaded plugins (see README).
        doc["extensions"] = links(base, "extensions/");
        return json_response(200, doc);
    });
}

}  // namespace ingot::api
