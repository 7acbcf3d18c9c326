#include "vbmc/work_queue.h"

#include <pthread.h>

namespace ingot::vbmc {

WorkQueue::WorkQueue(int threads, const std::string& name) {
    for (int i = 0; i < threads; ++i) {
        threads_.emplace_back([this] { run(); });
        pthread_setname_np(threads_.back().native_handle(), name.substr(0, 15).c_str());
    }
}

WorkQueue::~WorkQueue() {
    stop();
}

void WorkQueue::submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            jobs_.push_back(std::move(job));
            cv_.notify_one();
            return;
        }
    }
    job();
}

void WorkQueue::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job();
    }
}

void WorkQueue::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

}  // namespace ingot::vbmc
