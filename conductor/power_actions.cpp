#include "conductor/power_actions.h"

#include <chrono>

#include "common/errors.h"
#include "common/log.h"
#include "conductor/node_events.h"
#include "conductor/node_reservation.h"
#include "interfaces/power.h"

namespace ingot::conductor {
namespace {

using interfaces::kPowerOff;
using interfaces::kPowerOn;

// The state a node is in once `target` succeeded.
std::string resulting_state(const std::string& target) {
    return target == kPowerOff || target == interfaces::kSoftPowerOff ? kPowerOff : kPowerOn;
}

void run_power_action(Context& ctx, db::Record node, const std::string& target, std::chrono::seconds timeout) {
    const std::string uuid = node["uuid"].get<std::string>();
    const auto started = std::chrono::steady_clock::now();
    log::info("power.start", {{"node", uuid}, {"target", target}});
    const nlohmann::json old_state = node["power_state"];
    db::Record result;
    try {
        auto& power = ctx.drivers->power(node["power_interface"].get<std::string>());
        interfaces::Task task(node, ctx.hostname);
        power.validate(task);
        if (target == interfaces::kRebooting)
            power.reboot(task, timeout);
        else
            power.set_power_state(task, target, timeout);
        result = {{"power_state", resulting_state(target)},
                  {"target_power_state", nullptr},
                  {"last_error", nullptr},
                  {"driver_internal_info", task.node()["driver_internal_info"]}};
    } catch (const std::exception& e) {
        result = {{"target_power_state", nullptr},
                  {"last_error", "Failed to change power state to '" + target + "'. Error: " + e.what()}};
    }
    db::Record saved = release_node(ctx, node["id"].get<int64_t>(), result);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    log::info("power.end",
              {{"node", uuid},
               {"target", target},
               {"power_state", saved["power_state"].is_string() ? saved["power_state"].get<std::string>() : "None"},
               {"error", saved["last_error"].is_string() ? saved["last_error"].get<std::string>() : ""},
               {"duration_ms", std::to_string(ms.count())}});
    if (saved["power_state"] != old_state) {
        notify_power_state(ctx, saved, old_state.is_string() ? old_state.get<std::string>() : "None",
                           saved["power_state"].get<std::string>());
    }
}

}  // namespace

void start_power_action(Context& ctx, const db::Record& node, const std::string& target,
                        std::optional<int> timeout_seconds) {
    const int64_t id = node["id"].get<int64_t>();
    db::Record locked = reserve_node(ctx, id, {{"target_power_state", resulting_state(target)}});
    auto timeout =
        std::chrono::seconds(timeout_seconds.value_or(ctx.config.get_int("conductor", "power_action_timeout")));
    bool accepted = ctx.workers->try_submit([&ctx, locked, target, timeout] {
        try {
            run_power_action(ctx, locked, target, timeout);
        } catch (const std::exception& e) {
            log::error("power.failed", {{"node", locked["uuid"].get<std::string>()}, {"error", e.what()}});
        }
    });
    if (!accepted) {
        release_node(ctx, id, {{"target_power_state", nullptr}});
        throw ServiceUnavailable("No free conductor workers available");
    }
}

}  // namespace ingot::conductor
