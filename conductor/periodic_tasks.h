// The conductor's background duties, each on its own timer thread:
// - heartbeat: refresh this conductor's row so others see it alive;
// - callback timeouts: fail nodes waiting too long for their agent
//   (wait call-back, clean wait, inspect wait);
// - power sync and power-failure recovery (conductor/power_sync.h).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "conductor/context.h"
#include "conductor/power_sync.h"

namespace ingot::conductor {

class PeriodicTasks {
public:
    explicit PeriodicTasks(Context& ctx);
    ~PeriodicTasks();  // stops the timers (running work finishes)

    // One pass of each duty, for tests and for the timers.
    void heartbeat();
    int fail_timed_out_waits();
    int sync_power_states();
    int recover_power_failures();

private:
    void every(std::chrono::seconds interval, std::function<void()> duty);

    Context& ctx_;
    PowerSync power_sync_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ingot::conductor
