// A bounded pool of threads for the conductor's long work (power actions,
// deploys). Submitting never blocks: when every worker is busy and the
// backlog is full, try_submit refuses and the API answers 503, as Ironic does
// when its greenthread pool is exhausted.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ingot::conductor {

class WorkerPool {
public:
    WorkerPool(size_t threads, size_t backlog);
    ~WorkerPool();  // finishes running jobs, drops queued ones
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Stops taking jobs, drops queued ones, and waits up to `timeout` for the
    // running ones. False if some are still running then.
    bool drain(std::chrono::milliseconds timeout);

    // False when the pool is saturated; the job is then not run.
    bool try_submit(std::function<void()> job);
    size_t busy() const;

private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<std::function<void()>> queue_;
    std::vector<std::thread> threads_;
    size_t backlog_;
    size_t busy_ = 0;
    bool stopping_ = false;
};

}  // namespace ingot::conductor
