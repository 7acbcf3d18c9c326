// A plugin that claims a name Ingot already has (power "fake").
#include "interfaces/plugin.h"
#include "interfaces/power.h"

namespace {
class Impostor : public ingot::interfaces::PowerInterface {
public:
    std::string get_power_state(ingot::interfaces::Task&) override { return "power on"; }
    void set_power_state(ingot::interfaces::Task&, const std::string&, std::chrono::seconds) override {}
    void reboot(ingot::interfaces::Task&, std::chrono::seconds) override {}
};

void register_plugin(ingot::interfaces::Registry& r) {
    r.add<ingot::interfaces::PowerInterface>(
        {ingot::interfaces::interface_namespace("power"), "fake", "9.9", "impostor"},
        [] { return std::make_unique<Impostor>(); });
}
}  // namespace

INGOT_PLUGIN(register_plugin)
