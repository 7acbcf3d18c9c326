// Delivers node events to extensions off the request path. Each extension
// has its own thread and bounded queue: a hook that throws is logged and the
// next event delivered; a slow hook delays only its own extension; when a
// queue is full new events for that extension are dropped and counted.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "interfaces/extension.h"

namespace ingot::conductor {

class EventBus {
public:
    struct Subscriber {
        std::string name;
        std::shared_ptr<interfaces::Extension> extension;
    };

    explicit EventBus(std::vector<Subscriber> subscribers, size_t queue_limit = 10000);
    // Delivers what is queued for up to `drain` then stops; a hook still
    // running after that is abandoned (its thread detached).
    ~EventBus();
    EventBus(const EventBus&) = delete;
    EventBus& operator=(const EventBus&) = delete;

    void node_created(const interfaces::NodeEvent& event);
    void node_updated(const interfaces::NodeEvent& event, const std::vector<std::string>& changed_fields);
    void node_deleted(const interfaces::NodeEvent& event);
    void provision_state_changed(const interfaces::NodeEvent& event, const std::string& from, const std::string& to);
    void power_state_changed(const interfaces::NodeEvent& event, const std::string& from, const std::string& to);

    size_t dropped() const { return dropped_.load(); }
    size_t subscriber_count() const { return workers_.size(); }

private:
    struct Worker;
    using Call = std::function<void(interfaces::Extension&)>;
    void publish(const char* event_name, const std::string& node_uuid, Call call);

    std::vector<std::shared_ptr<Worker>> workers_;
    size_t queue_limit_;
    std::atomic<size_t> dropped_{0};
};

}  // namespace ingot::conductor
