// Redfish tasks for --async-tasks: a Reset answers 202 with the task's URL
// and runs in the background; GET on the task answers 202 while it runs and
// 200 once it is done. A task stays "Running" for at least a minimum time,
// so that clients' task monitors are exercised even when the action is
// instant (memory machines).
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ingot::vbmc {

struct TaskInfo {
    int id = 0;
    std::string name;
    bool running = true;
    bool ok = true;
    std::string message;  // why it failed
    std::string start_time;
    std::string end_time;
};

class TaskStore {
public:
    explicit TaskStore(std::chrono::milliseconds min_duration) : min_duration_(min_duration) {}

    int create(const std::string& name);
    void finish(int id, bool ok, const std::string& message = "");
    std::optional<TaskInfo> get(int id);
    std::vector<int> ids();

private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        TaskInfo info;
        Clock::time_point visible_end;  // not reported done before this
        bool finished = false;
    };
    static constexpr size_t kKept = 1000;  // older tasks are forgotten

    std::chrono::milliseconds min_duration_;
    std::mutex mutex_;
    std::deque<Entry> tasks_;
    int next_id_ = 1;
};

}  // namespace ingot::vbmc
