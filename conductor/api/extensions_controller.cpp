// GET /v1/extensions: Ingot's addition to the API (not in Ironic). Lists
// every registered plugin of every namespace, built-in or loaded from a file.
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"

namespace ingot::api {

void add_extension_routes(Router& router, conductor::Context& ctx) {
    router.add("GET", "/v1/extensions", [&ctx](const Request& r) {
        authorize(ctx, r, "baremetal:extension:get");
        check_query_args(r, {"namespace"});
        json items = json::array();
        for (const auto& info : ctx.registry->list(r.query_value("namespace").value_or(""))) {
            items.push_back({{"name", info.name},
                             {"namespace", info.name_space},
                             {"version", info.version},
                             {"description", info.description},
                             {"origin", info.origin}});
        }
        return json_response(200, {{"extensions", items}});
    });
}

}  // namespace ingot::api
