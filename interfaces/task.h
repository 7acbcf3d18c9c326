// What an interface method works on: one node, as the conductor holds it
// while it owns the node's lock. Interfaces read the node (driver_info,
// properties, instance_info) and may record results in it
// (driver_internal_info); the conductor saves the node afterwards.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ingot::interfaces {

class BootInterface;
class ManagementInterface;
class PowerInterface;

// The node's other interfaces (Ironic's task.driver), for an interface that
// drives them: the agent deploy boots the ramdisk and powers the machine.
// Null where whoever built the task did not set them.
struct TaskDriver {
    BootInterface* boot = nullptr;
    PowerInterface* power = nullptr;
    ManagementInterface* management = nullptr;
};

class Task {
public:
    explicit Task(nlohmann::json node, std::string conductor_host = "")
        : node_(std::move(node)), conductor_host_(std::move(conductor_host)) {}

    const std::string node_uuid() const { return node_.value("uuid", std::string()); }
    nlohmann::json& node() { return node_; }
    const nlohmann::json& node() const { return node_; }
    const nlohmann::json& driver_info() const { return field("driver_info"); }
    const nlohmann::json& properties() const { return field("properties"); }
    const nlohmann::json& instance_info() const { return field("instance_info"); }
    nlohmann::json& driver_internal_info() { return node_["driver_internal_info"]; }
    const std::string& conductor_host() const { return conductor_host_; }

    const TaskDriver& driver() const { return driver_; }
    void set_driver(TaskDriver driver) { driver_ = driver; }
    // The node's ports as the API shows them (an array; empty unless the
    // conductor filled it).
    const nlohmann::json& ports() const { return ports_; }
    void set_ports(nlohmann::json ports) { ports_ = std::move(ports); }

private:
    const nlohmann::json& field(const char* name) const {
        static const nlohmann::json empty = nlohmann::json::object();
        auto it = node_.find(name);
        return it == node_.end() || it->is_null() ? empty : *it;
    }

    nlohmann::json node_;
    std::string conductor_host_;
    TaskDriver driver_;
    nlohmann::json ports_ = nlohmann::json::array();
};

}  // namespace ingot::interfaces
