// Event hooks for third parties (Nailgun's extensions): an extension hears
// about nodes being created, updated, deleted and changing provision or power
// state. Hooks run on the extension's own thread, after the change is
// committed; they cannot change or slow down the request that caused it, and
// an exception or a slow hook in one extension affects no other.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ingot::interfaces {

struct NodeEvent {
    std::string node_uuid;
    nlohmann::json node;  // the node as the API shows it at the latest version, secrets masked
};

class Extension {
public:
    virtual ~Extension() = default;
    virtual void on_node_create(const NodeEvent& event) {}
    virtual void on_node_update(const NodeEvent& event, const std::vector<std::string>& changed_fields) {}
    virtual void on_node_delete(const NodeEvent& event) {}
    virtual void on_provision_state_change(const NodeEvent& event, const std::string& from, const std::string& to) {}
    virtual void on_power_state_change(const NodeEvent& event, const std::string& from, const std::string& to) {}
};

}  // namespace ingot::interfaces
