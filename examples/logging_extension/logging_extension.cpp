// Logs every node event Ingot sends to extensions, one line each:
//   INFO logging_extension.node_update node=<uuid> changed=extra,name
#include <ingot/common/log.h>
#include <ingot/interfaces/extension.h>
#include <ingot/interfaces/plugin.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using ingot::interfaces::NodeEvent;

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
    return out;
}

class LoggingExtension : public ingot::interfaces::Extension {
public:
    void on_node_create(const NodeEvent& e) override {
        ingot::log::info("logging_extension.node_create",
                         {{"node", e.node_uuid}, {"driver", e.node.value("driver", "")}});
    }
    void on_node_update(const NodeEvent& e, const std::vector<std::string>& changed) override {
        ingot::log::info("logging_extension.node_update", {{"node", e.node_uuid}, {"changed", joined(changed)}});
    }
    void on_node_delete(const NodeEvent& e) override {
        ingot::log::info("logging_extension.node_delete", {{"node", e.node_uuid}});
    }
    void on_provision_state_change(const NodeEvent& e, const std::string& from, const std::string& to) override {
        ingot::log::info("logging_extension.provision_state", {{"node", e.node_uuid}, {"from", from}, {"to", to}});
    }
    void on_power_state_change(const NodeEvent& e, const std::string& from, const std::string& to) override {
        ingot::log::info("logging_extension.power_state", {{"node", e.node_uuid}, {"from", from}, {"to", to}});
    }
};

void register_plugin(ingot::interfaces::Registry& registry) {
    registry.add<ingot::interfaces::Extension>(
        {ingot::interfaces::kExtensionsNamespace, "logging", "1.0", "Logs every node event"},
        [] { return std::make_unique<LoggingExtension>(); });
}

}  // namespace

INGOT_PLUGIN(register_plugin)
