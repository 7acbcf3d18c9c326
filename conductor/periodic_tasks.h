// The conductor's background duties, each on its own timer thread:
// - heartbeat: refresh this conductor's row so others see it alive;
// - callback timeouts: fail nodes waiting too long for their agent
//   (wait call-back, clean wait, inspect wait);
// - power sync: compare each node's recorded power state with its BMC,
//   through the worker pool, never blocking the API.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "conductor/context.h"

namespace ingot::conductor {

class PeriodicTasks {
public:
    explicit PeriodicTasks(Context& ctx);
    ~PeriodicTasks();  // stops the timers (running work finishes)

    // One pass of each duty, for tests and for the timers.
    void heartbeat();
    int fail_timed_out_waits();
    int sync_power_states();

private:
    void every(std::chrono::seconds interval, std::function<void()> duty);

    Context& ctx_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ingot::conductor
