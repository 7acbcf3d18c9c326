// /v1/nodes/{node}/management/boot_device[/supported]: the node's boot
// device through its management interface. These are short BMC calls made
// while holding the node's lock, on a pool worker; the API thread waits for
// the answer with a bound, as the client needs the result.
#include <future>

#include "common/errors.h"
#include "conductor/api/common.h"
#include "conductor/api/controllers.h"
#include "conductor/api/node_lookup.h"
#include "conductor/node_reservation.h"
#include "interfaces/management.h"

namespace ingot::api {
namespace {

using conductor::Context;

// Runs `work` on a pool worker with the node locked and returns its result.
json with_locked_node(Context& ctx, const Request& req, std::function<json(interfaces::Task&, db::Record&)> work) {
    db::Record node;
    {
        db::Session s(*ctx.database);
        node = find_node(s, req, req.param("node"));
    }
    db::Record locked = conductor::reserve_node(ctx, node["id"].get<int64_t>());
    auto promise = std::make_shared<std::promise<json>>();
    auto future = promise->get_future();
    bool accepted = ctx.workers->try_submit([&ctx, locked, work, promise]() mutable {
        json changes = json::object();
        try {
            interfaces::Task task(locked, ctx.hostname);
            json result = work(task, locked);
            changes["driver_internal_info"] = task.node()["driver_internal_info"];
            conductor::release_node(ctx, locked["id"].get<int64_t>(), changes);
            promise->set_value(result);
        } catch (...) {
            try {
                conductor::release_node(ctx, locked["id"].get<int64_t>());
            } catch (...) {
            }
            promise->set_exception(std::current_exception());
        }
    });
    if (!accepted) {
        conductor::release_node(ctx, locked["id"].get<int64_t>());
        throw ServiceUnavailable("No free conductor workers available");
    }
    if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
        throw ServiceUnavailable("The management interface did not answer within 60 seconds.");
    return future.get();
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
        with_locked_node(ctx, r, [&ctx, device, persistent](interfaces::Task& task, db::Record& node) {
            auto& m = management_of(ctx, node);
            m.validate(task);
            m.set_boot_device(task, device, persistent);
            return json();
        });
        Response resp;
        resp.status = 204;
        return resp;
    });
    router.add("GET", "/v1/nodes/{node}/management/boot_device", [&ctx](const Request& r) {
        check_query_args(r, {});
        json out = with_locked_node(ctx, r, [&ctx](interfaces::Task& task, db::Record& node) {
            auto& m = management_of(ctx, node);
            m.validate(task);
            auto dev = m.get_boot_device(task);
            return json{{"boot_device", dev.device.empty() ? json(nullptr) : json(dev.device)},
                        {"persistent", dev.device.empty() ? json(nullptr) : json(dev.persistent)}};
        });
        return json_response(200, out);
    });
    router.add("GET", "/v1/nodes/{node}/management/boot_device/supported", [&ctx](const Request& r) {
        check_query_args(r, {});
        db::Session s(*ctx.database);
        db::Record node = find_node(s, r, r.param("node"));
        interfaces::Task task(node, ctx.hostname);
        return json_response(200,
                             {{"supported_boot_devices", management_of(ctx, node).get_supported_boot_devices(task)}});
    });
}

}  // namespace ingot::api
