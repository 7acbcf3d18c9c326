// Two extensions in one plugin: one whose hooks throw, one that is slow.
// Neither may break an API call or delay the other extensions' events.
#include "common/log.h"
#include "interfaces/extension.h"
#include "interfaces/plugin.h"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace {
using ingot::interfaces::NodeEvent;

class Failing : public ingot::interfaces::Extension {
public:
    void on_node_create(const NodeEvent&) override { throw std::runtime_error("failing hook on purpose"); }
};

class Slow : public ingot::interfaces::Extension {
public:
    void on_node_create(const NodeEvent& e) override {
        std::this_thread::sleep_for(std::chrono::seconds(3));
        ingot::log::info("slow_extension.done", {{"node", e.node_uuid}});
    }
};

void register_plugin(ingot::interfaces::Registry& r) {
    const char* ns = ingot::interfaces::kExtensionsNamespace;
    r.add<ingot::interfaces::Extension>({ns, "failing", "1.0", "Every hook throws"},
                                        [] { return std::make_unique<Failing>(); });
    r.add<ingot::interfaces::Extension>({ns, "slow", "1.0", "Every hook takes 3 s"},
                                        [] { return std::make_unique<Slow>(); });
}
}  // namespace

INGOT_PLUGIN(register_plugin)
