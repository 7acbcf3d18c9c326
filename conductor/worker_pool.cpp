#include "conductor/worker_pool.h"

#include "common/log.h"

namespace ingot::conductor {

WorkerPool::WorkerPool(size_t threads, size_t backlog) : backlog_(backlog) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

bool WorkerPool::drain(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    queue_.clear();
    wake_.notify_all();
    return idle_.wait_for(lock, timeout, [&] { return busy_ == 0; });
}

bool WorkerPool::try_submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        size_t idle = threads_.size() - busy_;
        if (queue_.size() >= idle + backlog_) return false;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

size_t WorkerPool::busy() const {
    std::lock_guard lock(mutex_);
    return busy_;
}

void WorkerPool::run() {
    while (true) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
        }
        try {
            job();
        } catch (const std::exception& e) {
            // Jobs handle their own errors; this is a last resort.
            log::error("worker.unhandled", {{"error", e.what()}});
        }
        std::lock_guard lock(mutex_);
        if (--busy_ == 0) idle_.notify_all();
    }
}

}  // namespace ingot::conductor
