// What an interface method works on: one node, as the conductor holds it
// while it owns the node's lock. Interfaces read the node (driver_info,
// properties, instance_info) and may record results in it
// (driver_internal_info); the conductor saves the node afterwards.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ingot::interfaces {

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

private:
    const nlohmann::json& field(const char* name) const {
        static const nlohmann::json empty = nlohmann::json::object();
        auto it = node_.find(name);
        return it == node_.end() || it->is_null() ? empty : *it;
    }

    nlohmann::json node_;
    std::string conductor_host_;
};

}  // namespace ingot::interfaces
