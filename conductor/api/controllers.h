// Each controller adds its routes to the router. They share the Context.
#pragma once

#include "conductor/api/http.h"
#include "conductor/context.h"

namespace ingot::api {

void add_root_routes(Router& router, conductor::Context& ctx);
void add_node_routes(Router& router, conductor::Context& ctx);
void add_node_state_routes(Router& router, conductor::Context& ctx);
void add_node_management_routes(Router& router, conductor::Context& ctx);
void add_node_history_routes(Router& router, conductor::Context& ctx);
void add_port_routes(Router& router, conductor::Context& ctx);
void add_chassis_routes(Router& router, conductor::Context& ctx);
void add_driver_routes(Router& router, conductor::Context& ctx);
void add_conductor_routes(Router& router, conductor::Context& ctx);
void add_extension_routes(Router& router, conductor::Context& ctx);
// GET /v1/lookup and POST /v1/heartbeat/{node}: the ramdisk agent's calls.
void add_agent_routes(Router& router, conductor::Context& ctx);

// GET /v1/chassis/{id}/nodes[/detail]: the node list restricted to a chassis.
Response list_nodes_of_chassis(conductor::Context& ctx, const Request& req, long long chassis_id, bool detail,
                               const std::string& resource);

// All of the above.
Router make_router(conductor::Context& ctx);

}  // namespace ingot::api
