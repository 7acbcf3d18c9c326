#include "conductor/periodic_tasks.h"

#include <ctime>

#include "common/ids.h"
#include "common/log.h"
#include "conductor/node_reservation.h"
#include "conductor/provision_transitions.h"
#include "conductor/state_machine.h"
#include "db/store.h"

namespace ingot::conductor {
namespace {

using nlohmann::json;

long long now_epoch() {
    return static_cast<long long>(std::time(nullptr));
}

}  // namespace

PeriodicTasks::PeriodicTasks(Context& ctx) : ctx_(ctx), power_sync_(ctx) {
    const auto& c = ctx.config;
    every(std::chrono::seconds(c.get_int("conductor", "heartbeat_interval")), [this] { heartbeat(); });
    every(std::chrono::seconds(c.get_int("conductor", "check_timeouts_interval")), [this] { fail_timed_out_waits(); });
    if (long long s = c.get_int("conductor", "sync_power_state_interval"); s > 0)
        every(std::chrono::seconds(s), [this] { sync_power_states(); });
    if (long long s = c.get_int("conductor", "power_failure_recovery_interval"); s > 0)
        every(std::chrono::seconds(s), [this] { recover_power_failures(); });
}

PeriodicTasks::~PeriodicTasks() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    power_sync_.stop();
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void PeriodicTasks::every(std::chrono::seconds interval, std::function<void()> duty) {
    threads_.emplace_back([this, interval, duty] {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
            lock.unlock();
            try {
                duty();
            } catch (const std::exception& e) {
                log::error("periodic.failed", {{"error", e.what()}});
            }
            lock.lock();
        }
    });
}

void PeriodicTasks::heartbeat() {
    db::Session s(*ctx_.database, true);
    auto row = s.find(db::conductors_table(), "hostname", ctx_.hostname);
    if (row)
        s.update(db::conductors_table(), (*row)["id"], (*row)["row_version"],
                 {{"online", true}, {"updated_at", utc_now_iso()}});
    s.commit();
}

int PeriodicTasks::fail_timed_out_waits() {
    struct Wait {
        const std::string& state;
        const char* option;
        const char* what;
    };
    const Wait waits[] = {{states::kDeployWait, "deploy_callback_timeout", "callback"},
                          {states::kCleanWait, "clean_callback_timeout", "clean callback"},
                          {states::kInspectWait, "inspect_wait_timeout", "inspection"}};
    int failed = 0;
    for (const auto& w : waits) {
        const long long timeout = ctx_.config.get_int("conductor", w.option);
        std::vector<db::Record> nodes;
        {
            db::Session s(*ctx_.database);
            db::ListQuery q;
            q.filters = {{"provision_state", db::Filter::Op::eq, w.state},
                         {"reservation", db::Filter::Op::is_null, nullptr}};
            q.columns = {"uuid", "provision_updated_at", "provision_state"};
            nodes = s.list(db::nodes_table(), q);
        }
        for (const auto& n : nodes) {
            const json& updated = n["provision_updated_at"];
            if (updated.is_string() && now_epoch() - epoch_of_iso(updated.get<std::string>()) < timeout) continue;
            const std::string message = "Timeout reached while waiting for " + std::string(w.what) + " for node " +
                                        n["uuid"].get<std::string>() + " (" + std::to_string(timeout) + " s)";
            try {
                NodeJob job(ctx_, reserve_node(ctx_, n["id"].get<int64_t>()));
                const json& touched = job.node()["provision_updated_at"];
                if (provision_state_of(job.node()) != w.state ||
                    (touched.is_string() && now_epoch() - epoch_of_iso(touched.get<std::string>()) < timeout)) {
                    // Its agent moved it on or heartbeated in between.
                    release_node(ctx_, job.id());
                    continue;
                }
                // As Ironic's error handlers: the step that was running is over.
                json changes = json::object();
                if (w.state == states::kDeployWait) changes["deploy_step"] = json::object();
                if (w.state == states::kCleanWait) changes["clean_step"] = json::object();
                job.fail(message, changes);
                log::warning("timeout.failed_node", {{"node", n["uuid"].get<std::string>()}, {"state", w.state}});
                ++failed;
            } catch (const Conflict&) {
                // Someone took the node in between (e.g. its agent called back).
            }
        }
    }
    return failed;
}

int PeriodicTasks::sync_power_states() {
    return power_sync_.run_round();
}

int PeriodicTasks::recover_power_failures() {
    return power_sync_.recover_power_failures();
}

}  // namespace ingot::conductor
