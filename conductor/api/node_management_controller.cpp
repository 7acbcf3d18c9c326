// /v1/nodes/{node}/management/boot_device[/supported]: the node's boot
// device through its management interface. These are short BMC calls made
// while holding the node's lock, on a pool worker; the answer is deferred so
// that no HTTP thread waits for a BMC.

#include "common/errors.h"
#include "conductor/api/authorization.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"
#include "conductor/api/dispatcher.h"
#include "conductor/api/node_lookup.h"
#include "conductor/node_reservation.h"
#include "interfaces/management.h"

namespace ingot::api {
namespace {

using conductor::Context;

// Runs `work` on a pool worker with the node locked and answers with its
// result; the HTTP thread is free meanwhile (the answer is deferred).
Response with_locked_node(Context& ctx, const Request& req, const std::string& rule,
                          std::function<Response(interfaces::Task&, const db::Record&)> work) {
    db::Record node;
    {
        db::Session s(*ctx.database);
        node = find_authorized_node(ctx, s, req, req.param("node"), {rule});
    }
    db::Record locked = conductor::reserve_node(ctx, node["id"].get<int64_t>());
    const std::string request_id = req.request_id;
    Response r;
    r.deferred = [&ctx, locked, work, request_id](Reply reply) {
        const int64_t id = locked["id"].get<int64_t>();
        bool accepted = ctx.workers->try_submit([&ctx, locked, work, request_id, reply, id] {
            Response out;
            try {
                interfaces::Task task(locked, ctx.hostname);
                out = work(task, locked);
                conductor::release_node(ctx, id, {{"driver_internal_info", task.node()["driver_internal_info"]}});
            } catch (...) {
                out = error_response(std::current_exception(), request_id);
                try {
                    conductor::release_node(ctx, id);
                } catch (...) {
                }
            }
            reply(std::move(out));
        });
        if (!accepted) {
            conductor::release_node(ctx, id);
            reply(error_response(std::make_exception_ptr(ServiceUnavailable("No free conductor workers available")),
                                 request_id));
        }
    };
    return r;
}

interfaces::ManagementInterface& management_of(Context& ctx, const db::Record& node) {
    return ctx.drivers->management(node["management_interface"].get<std::string>());
}

}  // namespace

void add_node_management_routes(Router& router, Context& ctx) {
    router.add("PUT", "/v1/nodes/{node}/management/boot_device", [&ctx](const Request& r) {
        check_query_args(r, {});
        json body = parse_object_body(r);
        for (auto it = body.begin(); it != body.end(); ++it)
            if (it.key() != "boot_device" && it.key() != "persistent")
                throw InvalidInput("Unexpected arguments: " + it.key());
        if (!body.contains("boot_device") || !body["boot_device"].is_string())
            throw InvalidInput("Missing mandatory parameter: boot_device");
        const std::string device = body["boot_device"].get<std::string>();
        bool persistent = false;
        if (body.contains("persistent")) {
            const json& p = body["persistent"];
            if (p.is_boolean())
                persistent = p.get<bool>();
            else if (!p.is_string() || !config::parse_bool(p.get<std::string>(), persistent))
                throw InvalidInput("Invalid persistent: Unrecognized value " + p.dump());
        }
        return with_locked_node(ctx, r, "baremetal:node:set_boot_device", [&ctx, device, persistent](interfaces::Task& task, const db::Record& node) {
            auto& m = management_of(ctx, node);
            m.validate(task);
            m.set_boot_device(task, device, persistent);
            Response done;
            done.status = 204;
            return done;
        });
    });
    router.add("GET", "/v1/nodes/{node}/management/boot_device", [&ctx](const Request& r) {
        check_query_args(r, {});
        return with_locked_node(ctx, r, "baremetal:node:get_boot_device", [&ctx](interfaces::Task& task, const db::Record& node) {
            auto& m = management_of(ctx, node);
            m.validate(task);
            auto dev = m.get_boot_device(task);
            return json_response(200, {{"boot_device", dev.device.empty() ? json(nullptr) : json(dev.device)},
                                       {"persistent", dev.device.empty() ? json(nullptr) : json(dev.persistent)}});
        });
    });
    router.add("GET", "/v1/nodes/{node}/management/boot_device/supported", [&ctx](const Request& r) {
        check_query_args(r, {});
        db::Session s(*ctx.database);
        db::Record node = find_authorized_node(ctx, s, r, r.param("node"), {"baremetal:node:get_boot_device"});
        interfaces::Task task(node, ctx.hostname);
        return json_response(200,
                             {{"supported_boot_devices", management_of(ctx, node).get_supported_boot_devices(task)}});
    });
}

}  // namespace ingot::api
