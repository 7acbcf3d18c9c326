#include "conductor/recovery.h"

#include "common/ids.h"
#include "common/log.h"
#include "conductor/node_events.h"
#include "conductor/node_history.h"
#include "conductor/state_machine.h"
#include "db/store.h"

namespace ingot::conductor {

RecoveryReport recover_nodes(Context& ctx) {
    RecoveryReport report;
    std::vector<db::Record> locked;
    {
        db::Session s(*ctx.database);
        db::ListQuery q;
        q.filters = {{"reservation", db::Filter::Op::eq, ctx.hostname}};
        locked = s.list(db::nodes_table(), q);
    }
    for (const auto& node : locked) {
        const std::string uuid = node["uuid"].get<std::string>();
        const std::string state = node["provision_state"].is_string() ? node["provision_state"].get<std::string>() : "";
        nlohmann::json changes = {{"reservation", nullptr}, {"updated_at", utc_now_iso()}};
        std::string message;
        if (auto failed = states::failure_on_takeover(state)) {
            message = "Conductor " + ctx.hostname + " stopped while node " + uuid + " was in state \"" + state +
                      "\"; the operation was interrupted. Retry it.";
            changes["provision_state"] = *failed;
            auto target = states::target_of(*failed);
            changes["target_provision_state"] = target ? nlohmann::json(*target) : nlohmann::json(nullptr);
            changes["provision_updated_at"] = utc_now_iso();
            changes["last_error"] = message;
        }
        if (!node["target_power_state"].is_null()) {
            changes["target_power_state"] = nullptr;
            if (message.empty()) {
                message = "Conductor " + ctx.hostname + " stopped during a power action on node " + uuid +
                          "; the power state will be read again.";
                changes["last_error"] = message;
            }
        }
        db::Session s(*ctx.database, true);
        db::Record saved = s.update(db::nodes_table(), node["id"], node["row_version"], changes);
        s.commit();
        ++report.released;
        if (changes.contains("provision_state")) {
            ++report.failed;
            record_history(ctx, node["id"].get<int64_t>(), "provisioning", "ERROR", message);
            notify_provision_state(ctx, saved, state, saved["provision_state"].get<std::string>());
        }
        log::warning(
            "recovery.node",
            {{"node", uuid},
             {"state", state},
             {"now", saved["provision_state"].is_string() ? saved["provision_state"].get<std::string>() : ""}});
    }
    if (report.released) {
        log::warning("recovery.done",
                     {{"released", std::to_string(report.released)}, {"failed", std::to_string(report.failed)}});
    }
    return report;
}

}  // namespace ingot::conductor
