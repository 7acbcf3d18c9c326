// A hardware type, "command-hardware", whose power interface, "command",
// runs commands the operator puts in the node's driver_info, e.g. for a
// switched PDU:
//   command_power_on     ["pdu-ctl", "outlet", "7", "on"]
//   command_power_off    ["pdu-ctl", "outlet", "7", "off"]
//   command_power_status ["pdu-ctl", "outlet", "7", "status"]   (prints "on" or "off")
// Each is an argument vector (JSON array of strings) run without a shell
// through Ingot's process runner, with a timeout.
#include <ingot/common/process.h>
#include <ingot/interfaces/hardware_type.h>
#include <ingot/interfaces/plugin.h>
#include <ingot/interfaces/power.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using ingot::interfaces::InvalidParameter;
using ingot::interfaces::PropertySpec;
using ingot::interfaces::Task;

const char* const kKeys[] = {"command_power_on", "command_power_off", "command_power_status"};

std::vector<std::string> command(const Task& task, const char* key) {
    const auto& v = task.driver_info().value(key, nlohmann::json());
    if (!v.is_array() || v.empty())
        throw InvalidParameter(std::string(key) + " must be a non-empty JSON array of strings (an argument vector)");
    std::vector<std::string> argv;
    for (const auto& item : v) {
        if (!item.is_string()) throw InvalidParameter(std::string(key) + " must contain only strings");
        argv.push_back(item.get<std::string>());
    }
    return argv;
}

std::string run(const Task& task, const char* key) {
    ingot::ProcessOptions options;
    options.timeout = std::chrono::seconds(60);
    auto result = ingot::run_process(command(task, key), options);
    if (result.exit_code != 0) {
        throw ingot::Error(std::string(key) + " failed for node " + task.node_uuid() + " (exit " +
                           std::to_string(result.exit_code) + "): " + result.err.substr(0, 500));
    }
    return result.out;
}

class CommandPower : public ingot::interfaces::PowerInterface {
public:
    std::vector<PropertySpec> properties() const override {
        return {{"command_power_on", "Argument vector that powers the machine on. Required.", true},
                {"command_power_off", "Argument vector that powers the machine off. Required.", true},
                {"command_power_status", "Argument vector that prints \"on\" or \"off\". Required.", true}};
    }
    void validate(const Task& task) const override {
        ingot::interfaces::require_properties(task, properties(), "command parameters");
        for (const char* key : kKeys) command(task, key);
    }
    std::string get_power_state(Task& task) override {
        std::string out = run(task, "command_power_status");
        if (out.rfind("on", 0) == 0) return ingot::interfaces::kPowerOn;
        if (out.rfind("off", 0) == 0) return ingot::interfaces::kPowerOff;
        throw ingot::Error("command_power_status printed \"" + out.substr(0, 80) + "\", expected on or off");
    }
    void set_power_state(Task& task, const std::string& state, std::chrono::seconds) override {
        if (state == ingot::interfaces::kPowerOn)
            run(task, "command_power_on");
        else if (state == ingot::interfaces::kPowerOff || state == ingot::interfaces::kSoftPowerOff)
            run(task, "command_power_off");
        else
            throw InvalidParameter("the command power interface cannot set \"" + state + "\"");
    }
    void reboot(Task& task, std::chrono::seconds timeout) override {
        run(task, "command_power_off");
        run(task, "command_power_on");
    }
};

void register_plugin(ingot::interfaces::Registry& registry) {
    registry.add<ingot::interfaces::PowerInterface>({ingot::interfaces::interface_namespace("power"), "command", "1.0",
                                                     "Runs operator-configured commands to switch power"},
                                                    [] { return std::make_unique<CommandPower>(); });
    registry.add<ingot::interfaces::HardwareType>(
        {ingot::interfaces::kHardwareTypesNamespace, "command-hardware", "1.0",
         "Machines whose power is switched by a command (e.g. a PDU)"},
        [] {
            auto type = std::make_unique<ingot::interfaces::HardwareType>();
            type->supported = {{"bios", {"no-bios"}},         {"boot", {"ipxe", "pxe", "fake"}},
                               {"console", {"no-console"}},   {"deploy", {"direct", "fake"}},
                               {"inspect", {"no-inspect"}},   {"management", {"noop", "fake"}},
                               {"network", {"flat", "noop"}}, {"power", {"command"}},
                               {"raid", {"no-raid"}},         {"rescue", {"no-rescue"}},
                               {"storage", {"noop"}},         {"vendor", {"no-vendor"}}};
            return type;
        });
}

}  // namespace

INGOT_PLUGIN(register_plugin)
