// `ingot node power on|off|reboot NODE` (and `ingot node reboot NODE`, the
// spelling `baremetal` uses): PUT /v1/nodes/NODE/states/power, then with
// --wait poll until target_power_state clears. `ingot node boot device
// set|show`: the management interface's boot device.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/node_common.h"
#include "cli/wait.h"
#include "common/strings.h"

namespace ingot::cli {
namespace {

// Ironic refuses timeouts below 1 s (400); CLI::PositiveNumber would print
// its range up to DBL_MAX.
const CLI::Validator kPositiveSeconds(
    [](std::string& value) -> std::string {
        long long n = 0;
        if (parse_int(value, n) && n >= 1) return {};
        return "must be a whole number of seconds, at least 1";
    },
    "SECONDS");

enum class PowerAction { on, off, reboot };

struct PowerOptions {
    std::string node;
    bool soft = false;
    int timeout = 0;  // 0: not sent
    WaitOption wait;
};

void add_power_action(CLI::App* parent, Session& session, const std::string& name, PowerAction action,
                      const std::string& help) {
    auto o = std::make_shared<PowerOptions>();
    CLI::App* cmd = parent->add_subcommand(name, help);
    cmd->add_option("node", o->node, "UUID or name (required)");
    if (action != PowerAction::on) {
        cmd->add_flag("--soft", o->soft,
                      action == PowerAction::off ? "Ask the operating system to shut down (soft power off)"
                                                 : "Ask the operating system to restart (soft rebooting)");
    }
    cmd->add_option("--power-timeout", o->timeout, "Seconds the conductor may take for the power action")
        ->check(kPositiveSeconds);
    add_wait_option(cmd, o->wait);
    on_run(cmd, session, [o, action](Session& s) {
        std::optional<double> wait = resolve_wait(o->wait, o->node);
        std::string target;
        switch (action) {
            case PowerAction::on:
                target = "power on";
                break;
            case PowerAction::off:
                target = o->soft ? "soft power off" : "power off";
                break;
            case PowerAction::reboot:
                target = o->soft ? "soft rebooting" : "rebooting";
                break;
        }
        json body = {{"target", target}};
        if (o->timeout > 0) body["timeout"] = o->timeout;
        const auto started = std::chrono::steady_clock::now();
        s.api().put(node_path(o->node) + "/states/power", body);
        if (!wait) return 0;
        const std::string expected = action == PowerAction::off ? "power off" : "power on";
        return wait_for_node(s, o->node, *wait, started, "power state \"" + expected + "\"",
                             power_classifier(expected));
    });
}

void add_power(CLI::App& node, Session& session) {
    CLI::App* group = add_group(node, "power", "Switch a node's power");
    add_power_action(group, session, "on", PowerAction::on, "Power a node on");
    add_power_action(group, session, "off", PowerAction::off, "Power a node off");
    add_power_action(group, session, "reboot", PowerAction::reboot, "Reboot a node");
    // `baremetal node reboot`.
    add_power_action(&node, session, "reboot", PowerAction::reboot, "Reboot a node (same as `node power reboot`)");
}

void add_boot_device(CLI::App& node, Session& session) {
    CLI::App* boot = add_group(node, "boot", "A node's boot settings");
    CLI::App* device = add_group(*boot, "device", "The device a node boots from next");

    struct SetOptions {
        std::string node, device;
        bool persistent = false;
    };
    auto set = std::make_shared<SetOptions>();
    CLI::App* set_cmd = device->add_subcommand("set", "Set the boot device (through the management interface)");
    set_cmd->add_option("node", set->node, "UUID or name")->required();
    set_cmd->add_option("device", set->device, "Boot device, e.g. pxe, disk, cdrom, bios, safe")->required();
    set_cmd->add_flag("--persistent", set->persistent, "For every boot, not only the next one");
    on_run(set_cmd, session, [set](Session& s) {
        // 204, and `baremetal` prints nothing.
        s.api().put(node_path(set->node) + "/management/boot_device",
                    {{"boot_device", set->device}, {"persistent", set->persistent}});
        return 0;
    });

    struct ShowOptions {
        std::string node;
        bool supported = false;
    };
    auto show = std::make_shared<ShowOptions>();
    CLI::App* show_cmd = device->add_subcommand("show", "Show the boot device, or the devices the node supports");
    show_cmd->add_option("node", show->node, "UUID or name")->required();
    show_cmd->add_flag("--supported", show->supported, "List the boot devices the node supports instead");
    on_run(show_cmd, session, [show](Session& s) {
        if (!show->supported) {
            print_record(std::cout, s.format(), s.api().get(node_path(show->node) + "/management/boot_device"));
            return 0;
        }
        json answer = s.api().get(node_path(show->node) + "/management/boot_device/supported");
        if (s.format() == Format::json) {
            print_record(std::cout, s.format(), answer);
            return 0;
        }
        // As `baremetal`: one field, the devices joined with ", ".
        json shown = json::object();
        shown["supported_boot_devices"] =
            render_cell(answer.is_object() ? answer.value("supported_boot_devices", json::array()) : json::array(),
                        /*join_list=*/true);
        print_record(std::cout, s.format(), shown);
        return 0;
    });
}

}  // namespace

void add_node_power_commands(CLI::App& node, Session& session) {
    add_power(node, session);
    add_boot_device(node, session);
}

}  // namespace ingot::cli
