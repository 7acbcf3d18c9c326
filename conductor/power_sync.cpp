#include "conductor/power_sync.h"

#include <algorithm>
#include <thread>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "conductor/node_events.h"
#include "conductor/node_history.h"
#include "conductor/node_reservation.h"
#include "conductor/state_machine.h"
#include "interfaces/power.h"

namespace ingot::conductor {
namespace {

using nlohmann::json;

constexpr const char* kSyncErrorPrefix = "During sync_power_state";

// What a sync reads; never the whole row (10,000 nodes each round).
const std::vector<std::string> kSyncColumns = {
    "id",         "uuid",          "power_state",          "power_interface", "driver_info",
    "properties", "instance_info", "driver_internal_info", "provision_state", "maintenance",
    "fault",      "last_error"};

std::string state_text(const json& state) {
    return state.is_string() ? state.get<std::string>() : "None";
}

bool excluded_from_sync(const json& node) {
    // Ironic's SYNC_EXCLUDED_STATES: an agent may be powering the machine
    // itself, or the BMC details are not verified yet.
    const std::string state = node.value("provision_state", std::string());
    return state == states::kDeployWait || state == states::kCleanWait || state == states::kEnroll;
}

}  // namespace

PowerSync::PowerSync(Context& ctx) : ctx_(ctx) {}

int PowerSync::failures(int64_t node_id) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(node_id);
    return it == failures_.end() ? 0 : it->second;
}

void PowerSync::set_failures(int64_t node_id, int count) {
    std::lock_guard lock(mutex_);
    if (count == 0)
        failures_.erase(node_id);
    else
        failures_[node_id] = count;
}

int PowerSync::run_round() {
    std::vector<db::Record> nodes;
    {
        db::Session s(*ctx_.database);
        db::ListQuery q;
        q.filters = {{"maintenance", db::Filter::Op::eq, false}, {"reservation", db::Filter::Op::is_null, nullptr}};
        q.columns = kSyncColumns;
        nodes = s.list(db::nodes_table(), q);
    }
    std::erase_if(nodes, excluded_from_sync);
    // Nodes whose BMC answered last time first: dead BMCs wait at the back.
    std::stable_partition(nodes.begin(), nodes.end(),
                          [this](const db::Record& n) { return failures(n["id"].get<int64_t>()) == 0; });

    const auto started = std::chrono::steady_clock::now();
    std::atomic<size_t> next{0};
    std::atomic<int> read{0};
    auto work = [&] {
        for (size_t i = next++; i < nodes.size() && !stopping_; i = next++) {
            try {
                if (sync_node(nodes[i])) ++read;
            } catch (const std::exception& e) {
                log::error("power_sync.failed", {{"node", nodes[i]["uuid"].get<std::string>()}, {"error", e.what()}});
            }
        }
    };
    const size_t threads = std::min<size_t>(
        nodes.size(), static_cast<size_t>(ctx_.config.get_int("conductor", "sync_power_state_workers")));
    std::vector<std::thread> pool;
    for (size_t i = 1; i < threads; ++i) pool.emplace_back(work);
    if (threads > 0) work();
    for (auto& t : pool) t.join();
    if (!nodes.empty()) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        log::info("power_sync.round", {{"nodes", std::to_string(nodes.size())},
                                       {"read", std::to_string(read.load())},
                                       {"workers", std::to_string(threads)},
                                       {"duration_ms", std::to_string(ms.count())}});
    }
    return read;
}

bool PowerSync::sync_node(const db::Record& n) {
    const int64_t id = n["id"].get<int64_t>();
    const std::string uuid = n["uuid"].get<std::string>();
    const json recorded = n["power_state"];
    auto& power = ctx_.drivers->power(n["power_interface"].get<std::string>());
    interfaces::Task task(n, ctx_.hostname);
    if (recorded.is_null()) {
        // Never synced and not valid: nothing to compare and no one to ask.
        try {
            power.validate(task);
        } catch (const InvalidInput&) {
            return false;
        }
    }
    std::string actual;
    try {
        actual = power.get_power_state(task);
    } catch (const std::exception& e) {
        record_failure(n, e.what());
        return false;
    }
    const bool had_failed = failures(id) > 0;
    set_failures(id, 0);
    const bool stale_error =
        had_failed &&
        starts_with(n.value("last_error", json()).is_string() ? n["last_error"].get<std::string>() : std::string(),
                    kSyncErrorPrefix);
    if (recorded == actual && !stale_error) return true;

    // Reading needed no lock (Ironic uses a shared lock); a change does.
    db::Record locked;
    try {
        locked = reserve_node(ctx_, id);
    } catch (const Conflict&) {
        return true;  // busy: the next round looks again
    }
    json changes = json::object();
    if (stale_error && locked["last_error"] == n["last_error"]) changes["last_error"] = nullptr;
    const bool unchanged =
        locked["power_state"] == recorded && !locked["maintenance"].get<bool>() && !excluded_from_sync(locked);
    if (!unchanged || recorded == actual) {
        // Someone changed the node meanwhile (or only the error was stale).
    } else if (recorded.is_string() && ctx_.config.get_bool("conductor", "force_power_state_during_sync")) {
        interfaces::Task locked_task(locked, ctx_.hostname);
        try {
            power.set_power_state(locked_task, recorded.get<std::string>(),
                                  std::chrono::seconds(ctx_.config.get_int("conductor", "power_action_timeout")));
            record_history(ctx_, id, "monitoring", "INFO",
                           "Machine power was " + actual + ", set back to the recorded " + state_text(recorded));
        } catch (const std::exception& e) {
            changes["last_error"] = std::string(kSyncErrorPrefix) + ", failed to restore power of node " + uuid +
                                    " to " + state_text(recorded) + ": " + e.what();
        }
    } else {
        changes["power_state"] = actual;
        record_history(
            ctx_, id, "monitoring", "INFO",
            "Power state changed outside Ingot: recorded " + state_text(recorded) + ", machine reports " + actual);
    }
    db::Record saved = release_node(ctx_, id, changes);
    if (changes.contains("power_state")) notify_power_state(ctx_, saved, state_text(recorded), actual);
    return true;
}

void PowerSync::record_failure(const db::Record& n, const std::string& error) {
    const int64_t id = n["id"].get<int64_t>();
    const std::string uuid = n["uuid"].get<std::string>();
    const int count = failures(id) + 1;
    set_failures(id, count);
    const long long max_retries = ctx_.config.get_int("conductor", "power_state_sync_max_retries");
    const bool give_up = count > max_retries;
    std::string message;
    if (give_up) {
        message = std::string(kSyncErrorPrefix) + ", max retries exceeded for node " + uuid +
                  ", node state None does not match expected state '" + state_text(n["power_state"]) +
                  "'. Updating DB state to 'None' Switching node to maintenance mode. Error: " + error;
    } else {
        message = std::string(kSyncErrorPrefix) + ", could not get power state for node " + uuid + ", attempt " +
                  std::to_string(count) + " of " + std::to_string(max_retries) + ". Error: " + error;
    }
    log::warning("power_sync.bmc_failed", {{"node", uuid}, {"attempt", std::to_string(count)}, {"error", error}});
    db::Record locked;
    try {
        locked = reserve_node(ctx_, id);
    } catch (const Conflict&) {
        return;  // someone is working on it; the failure still counts
    }
    if (locked["maintenance"].get<bool>()) {
        release_node(ctx_, id);
        return;
    }
    json changes = {{"last_error", message}};
    if (give_up) {
        changes.update({{"power_state", nullptr},
                        {"maintenance", true},
                        {"maintenance_reason", message},
                        {"fault", kPowerFailureFault}});
    }
    db::Record saved = release_node(ctx_, id, changes);
    if (give_up) {
        set_failures(id, 0);
        record_history(ctx_, id, "monitoring", "ERROR", message);
        log::error("power_sync.maintenance", {{"node", uuid}, {"fault", kPowerFailureFault}});
        if (!locked["power_state"].is_null())
            notify_power_state(ctx_, saved, state_text(locked["power_state"]), "None");
    }
}

int PowerSync::recover_power_failures() {
    std::vector<db::Record> nodes;
    {
        db::Session s(*ctx_.database);
        db::ListQuery q;
        q.filters = {{"maintenance", db::Filter::Op::eq, true},
                     {"fault", db::Filter::Op::eq, kPowerFailureFault},
                     {"reservation", db::Filter::Op::is_null, nullptr}};
        q.columns = kSyncColumns;
        nodes = s.list(db::nodes_table(), q);
    }
    int recovered = 0;
    for (const auto& n : nodes) {
        if (stopping_) break;
        const int64_t id = n["id"].get<int64_t>();
        const std::string uuid = n["uuid"].get<std::string>();
        std::string actual;
        try {
            interfaces::Task task(n, ctx_.hostname);
            actual = ctx_.drivers->power(n["power_interface"].get<std::string>()).get_power_state(task);
        } catch (const std::exception& e) {
            log::info("power_recovery.still_failing", {{"node", uuid}, {"error", e.what()}});
            continue;
        }
        db::Record locked;
        try {
            locked = reserve_node(ctx_, id);
        } catch (const Conflict&) {
            continue;
        }
        if (!locked["maintenance"].get<bool>() || locked["fault"] != kPowerFailureFault) {
            release_node(ctx_, id);  // an operator dealt with it meanwhile
            continue;
        }
        const std::string message = "Node " + uuid + " recovered from power failure: its BMC answers again (" + actual +
                                    "). Maintenance mode is turned off.";
        db::Record saved = release_node(ctx_, id,
                                        {{"maintenance", false},
                                         {"maintenance_reason", nullptr},
                                         {"fault", nullptr},
                                         {"last_error", nullptr},
                                         {"power_state", actual}});
        set_failures(id, 0);
        record_history(ctx_, id, "monitoring", "INFO", message);
        log::info("power_recovery.recovered", {{"node", uuid}, {"power_state", actual}});
        if (locked["power_state"] != actual) notify_power_state(ctx_, saved, state_text(locked["power_state"]), actual);
        ++recovered;
    }
    return recovered;
}

}  // namespace ingot::conductor
