// Keeping recorded power states true to the machines (Ironic's
// _sync_power_states and _power_failure_recovery):
// - each round reads every eligible node's BMC on its own small set of
//   threads (sync_power_state_workers), so a slow or dead BMC holds one of
//   them and never the pool that serves API requests; nodes whose BMC failed
//   last time go to the back of the queue;
// - a drift is recorded (or, with force_power_state_during_sync, the machine
//   is set back) under the node's lock, taken only when something changes;
// - a BMC that cannot be read sets last_error; after
//   power_state_sync_max_retries failures in a row the node goes into
//   maintenance with fault "power failure";
// - the recovery pass takes such nodes out of maintenance once their BMC
//   answers again.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "conductor/context.h"
#include "db/store.h"

namespace ingot::conductor {

inline constexpr const char* kPowerFailureFault = "power failure";

class PowerSync {
public:
    explicit PowerSync(Context& ctx);

    // One full round; returns the number of nodes whose BMC was read. Logs
    // power_sync.round with the node count and duration.
    int run_round();
    // One recovery pass; returns the number of nodes taken out of maintenance.
    int recover_power_failures();
    // Ends a running round early (between nodes).
    void stop() { stopping_ = true; }

private:
    bool sync_node(const db::Record& node);  // false: the BMC was not read
    void record_failure(const db::Record& node, const std::string& error);
    int failures(int64_t node_id);
    void set_failures(int64_t node_id, int count);

    Context& ctx_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::unordered_map<int64_t, int> failures_;  // failed syncs in a row, by node id
};

}  // namespace ingot::conductor
