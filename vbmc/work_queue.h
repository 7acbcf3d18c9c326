// A few long-lived worker threads for slow BMC work (starting QEMU,
// downloading media, async tasks), so that HTTP threads never block. Long
// lived on purpose: QEMU gets PR_SET_PDEATHSIG from the thread that forks it.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ingot::vbmc {

class WorkQueue {
public:
    WorkQueue(int threads, const std::string& name);
    ~WorkQueue();  // stop()
    WorkQueue(const WorkQueue&) = delete;
    WorkQueue& operator=(const WorkQueue&) = delete;

    // Jobs must not throw. After stop() they run on the caller's thread.
    void submit(std::function<void()> job);
    // Runs what is queued, then joins the threads.
    void stop();

private:
    void run();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace ingot::vbmc
