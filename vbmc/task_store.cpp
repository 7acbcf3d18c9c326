#include "vbmc/task_store.h"

#include "common/ids.h"

namespace ingot::vbmc {

int TaskStore::create(const std::string& name) {
    std::lock_guard lock(mutex_);
    Entry e;
    e.info.id = next_id_++;
    e.info.name = name;
    e.info.start_time = utc_now_iso();
    e.visible_end = Clock::now() + min_duration_;
    tasks_.push_back(std::move(e));
    if (tasks_.size() > kKept) tasks_.pop_front();
    return tasks_.back().info.id;
}

void TaskStore::finish(int id, bool ok, const std::string& message) {
    std::lock_guard lock(mutex_);
    for (auto& e : tasks_) {
        if (e.info.id != id) continue;
        e.finished = true;
        e.info.ok = ok;
        e.info.message = message;
        e.info.end_time = utc_now_iso();
    }
}

std::optional<TaskInfo> TaskStore::get(int id) {
    std::lock_guard lock(mutex_);
    for (auto& e : tasks_) {
        if (e.info.id != id) continue;
        TaskInfo info = e.info;
        info.running = !e.finished || Clock::now() < e.visible_end;
        return info;
    }
    return std::nullopt;
}

std::vector<int> TaskStore::ids() {
    std::lock_guard lock(mutex_);
    std::vector<int> out;
    for (const auto& e : tasks_) out.push_back(e.info.id);
    return out;
}

}  // namespace ingot::vbmc
