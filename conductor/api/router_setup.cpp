#include "conductor/api/controllers.h"

namespace ingot::api {

Router make_router(conductor::Context& ctx) {
    Router router;
    add_root_routes(router, ctx);
    add_node_routes(router, ctx);
    add_node_state_routes(router, ctx);
    add_node_management_routes(router, ctx);
    add_node_history_routes(router, ctx);
    add_port_routes(router, ctx);
    add_chassis_routes(router, ctx);
    add_driver_routes(router, ctx);
    add_conductor_routes(router, ctx);
    add_extension_routes(router, ctx);
    add_agent_routes(router, ctx);
    return router;
}

}  // namespace ingot::api
