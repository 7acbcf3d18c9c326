#include "conductor/provision_transitions.h"

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "conductor/agent_token.h"
#include "conductor/node_events.h"
#include "conductor/node_history.h"
#include "conductor/node_reservation.h"
#include "conductor/state_machine.h"
#include "deploy/agent_client.h"
#include "interfaces/boot.h"
#include "interfaces/management.h"
#include "interfaces/power.h"

namespace ingot::conductor {

using nlohmann::json;

std::string provision_state_of(const db::Record& node) {
    auto it = node.find("provision_state");
    return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

json enter_state(const std::string& to, bool manual_clean) {
    auto target = states::target_of(to, manual_clean);
    return {{"provision_state", to},
            {"target_provision_state", target ? json(*target) : json(nullptr)},
            {"provision_updated_at", utc_now_iso()}};
}

void announce_transition(Context& ctx, const std::string& from, const db::Record& saved) {
    const std::string to = provision_state_of(saved);
    if (from == to) return;
    std::string event = "Provision state changed from \"" + from + "\" to \"" + to + "\"";
    record_history(ctx, saved["id"].get<int64_t>(), "provisioning", "INFO", event);
    notify_provision_state(ctx, saved, from, to);
}

namespace {

// The node's ports as an agent sees them (Ironic's port.as_dict()).
json ports_of(Context& ctx, const db::Record& node) {
    json out = json::array();
    if (!ctx.database || !node.contains("id")) return out;
    db::Session s(*ctx.database);
    db::ListQuery q;
    q.filters = {{"node_id", db::Filter::Op::eq, node["id"]}};
    for (auto port : s.list(db::ports_table(), q)) {
        for (const char* internal : {"id", "row_version", "node_id", "portgroup_id"}) port.erase(internal);
        port["node_uuid"] = node.value("uuid", json());
        out.push_back(std::move(port));
    }
    return out;
}

// The interface named in `column`, or null when the node names none or this
// conductor does not have it (an interface that needs it says so).
template <typename Interface, typename Lookup>
Interface* interface_or_null(const db::Record& node, const char* column, Lookup lookup) {
    auto it = node.find(column);
    if (it == node.end() || !it->is_string()) return nullptr;
    try {
        return &static_cast<Interface&>(lookup(it->get<std::string>()));
    } catch (const std::exception&) {
        return nullptr;
    }
}

}  // namespace

interfaces::Task make_task(Context& ctx, const db::Record& node) {
    interfaces::Task task(node, ctx.hostname);
    if (ctx.drivers) {
        const auto& d = *ctx.drivers;
        interfaces::TaskDriver driver;
        driver.boot = interface_or_null<interfaces::BootInterface>(
            node, "boot_interface", [&](const std::string& n) -> auto& { return d.boot(n); });
        driver.power = interface_or_null<interfaces::PowerInterface>(
            node, "power_interface", [&](const std::string& n) -> auto& { return d.power(n); });
        driver.management = interface_or_null<interfaces::ManagementInterface>(
            node, "management_interface", [&](const std::string& n) -> auto& { return d.management(n); });
        task.set_driver(driver);
    }
    task.set_ports(ports_of(ctx, node));
    return task;
}

json interface_changes(const db::Record& before, const interfaces::Task& task) {
    const json& after = task.node();
    json changes = {{"driver_internal_info", after.value("driver_internal_info", json::object())}};
    for (const char* field : {"instance_info", "power_state", "deploy_step", "clean_step"}) {
        json now = after.value(field, json());
        if (now != before.value(field, json())) changes[field] = now;
    }
    return changes;
}

void forget_agent(json& internal) {
    if (!internal.is_object()) internal = json::object();
    deploy::forget_agent_connection(internal);
    deploy::forget_agent_progress(internal);
    internal.erase("agent_version");
    // A conflict blocks new tokens until an operation starts: this one.
    internal.erase(kAgentConflictKey);
}

void NodeJob::move(const std::string& event, json changes, bool release, bool manual_clean) {
    const std::string from = provision_state_of(node_);
    auto to = states::next_state(from, event);
    if (!to) throw Error("internal: no transition from \"" + from + "\" on " + event);
    const json entered = enter_state(*to, manual_clean);
    for (auto it = entered.begin(); it != entered.end(); ++it) changes[it.key()] = it.value();
    node_ = release ? release_node(ctx_, id(), changes) : update_locked(ctx_, id(), changes);
    announce_transition(ctx_, from, node_);
}

void NodeJob::fail(const std::string& message, json changes) {
    record_history(ctx_, id(), "provisioning", "ERROR", message);
    log::error("provision.failed", {{"node", uuid()}, {"state", provision_state_of(node_)}, {"error", message}});
    changes["last_error"] = message;
    move("fail", std::move(changes), /*release=*/true);
}

}  // namespace ingot::conductor
