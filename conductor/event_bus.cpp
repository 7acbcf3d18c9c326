#include "conductor/event_bus.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/log.h"

namespace ingot::conductor {

struct EventBus::Worker {
    struct Item {
        const char* event_name;
        std::string node_uuid;
        Call call;
    };

    std::string name;
    std::shared_ptr<interfaces::Extension> extension;
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable finished_cv;
    std::deque<Item> queue;
    bool stopping = false;
    bool finished = false;
    std::chrono::steady_clock::time_point drain_deadline;
    std::thread thread;

    void run() {
        while (true) {
            Item item;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty() || (stopping && std::chrono::steady_clock::now() > drain_deadline)) break;
                item = std::move(queue.front());
                queue.pop_front();
            }
            try {
                item.call(*extension);
            } catch (const std::exception& e) {
                log::error(
                    "extension.hook_failed",
                    {{"extension", name}, {"event", item.event_name}, {"node", item.node_uuid}, {"error", e.what()}});
            } catch (...) {
                log::error(
                    "extension.hook_failed",
                    {{"extension", name}, {"event", item.event_name}, {"node", item.node_uuid}, {"error", "unknown"}});
            }
        }
        std::lock_guard lock(mutex);
        finished = true;
        finished_cv.notify_all();
    }
};

EventBus::EventBus(std::vector<Subscriber> subscribers, size_t queue_limit) : queue_limit_(queue_limit) {
    for (auto& s : subscribers) {
        auto w = std::make_shared<Worker>();
        w->name = s.name;
        w->extension = std::move(s.extension);
        // The thread holds the worker alive even if it must be detached.
        w->thread = std::thread([w] { w->run(); });
        workers_.push_back(std::move(w));
    }
}

EventBus::~EventBus() {
    const auto drain = std::chrono::seconds(5);
    for (auto& w : workers_) {
        std::lock_guard lock(w->mutex);
        w->stopping = true;
        w->drain_deadline = std::chrono::steady_clock::now() + drain;
        w->wake.notify_all();
    }
    for (auto& w : workers_) {
        std::unique_lock lock(w->mutex);
        bool done = w->finished_cv.wait_for(lock, drain + std::chrono::seconds(1), [&] { return w->finished; });
        lock.unlock();
        if (done) {
            w->thread.join();
        } else {
            log::warning("extension.abandoned",
                         {{"extension", w->name}, {"reason", "a hook did not return at shutdown"}});
            w->thread.detach();
        }
    }
}

void EventBus::publish(const char* event_name, const std::string& node_uuid, Call call) {
    for (auto& w : workers_) {
        std::lock_guard lock(w->mutex);
        if (w->stopping) continue;
        if (w->queue.size() >= queue_limit_) {
            ++dropped_;
            log::warning("extension.event_dropped",
                         {{"extension", w->name}, {"event", event_name}, {"node", node_uuid}});
            continue;
        }
        w->queue.push_back({event_name, node_uuid, call});
        w->wake.notify_one();
    }
}

void EventBus::node_created(const interfaces::NodeEvent& e) {
    publish("node_create", e.node_uuid, [e](interfaces::Extension& x) { x.on_node_create(e); });
}

void EventBus::node_updated(const interfaces::NodeEvent& e, const std::vector<std::string>& changed) {
    publish("node_update", e.node_uuid, [e, changed](interfaces::Extension& x) { x.on_node_update(e, changed); });
}

void EventBus::node_deleted(const interfaces::NodeEvent& e) {
    publish("node_delete", e.node_uuid, [e](interfaces::Extension& x) { x.on_node_delete(e); });
}

void EventBus::provision_state_changed(const interfaces::NodeEvent& e, const std::string& from, const std::string& to) {
    publish("provision_state_change", e.node_uuid,
            [e, from, to](interfaces::Extension& x) { x.on_provision_state_change(e, from, to); });
}

void EventBus::power_state_changed(const interfaces::NodeEvent& e, const std::string& from, const std::string& to) {
    publish("power_state_change", e.node_uuid,
            [e, from, to](interfaces::Extension& x) { x.on_power_state_change(e, from, to); });
}

}  // namespace ingot::conductor
