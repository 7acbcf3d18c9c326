#include "ramdisk-agent/service/builtin_commands.h"

#include <unistd.h>

#include "ramdisk-agent/service/clean_commands.h"
#include "ramdisk-agent/service/power_control.h"
#include "ramdisk-agent/service/system_logs.h"

namespace ingot::agent::service {
namespace {

// IPA reports steps per hardware manager, with the managers' versions.
constexpr const char* kManager = "GenericHardwareManager";
json manager_versions() {
    return {{"generic_hardware_manager", "1.2"}};
}

CommandSpec sync_command(std::function<json(const json&)> run) {
    return {std::move(run), false};
}
CommandSpec async_command(std::function<json(const json&)> run) {
    return {std::move(run), true};
}

// A command whose implementation belongs to the image/plan work: present
// so the conductor sees a clear answer, never a 400 "unknown command".
CommandSpec pending(const std::string& name, const std::string& why, bool async = true) {
    return {[name, why](const json&) -> json { throw not_implemented(name, why); }, async};
}

}  // namespace

json clean_steps() {
    // IPA's generic priorities: metadata erase first (99), full erase later
    // (10); both run from the conductor's `deploy` interface.
    return json::array({{{"step", "erase_devices"},
                         {"priority", 10},
                         {"interface", "deploy"},
                         {"reboot_requested", false},
                         {"abortable", true}},
                        {{"step", "erase_devices_metadata"},
                         {"priority", 99},
                         {"interface", "deploy"},
                         {"reboot_requested", false},
                         {"abortable", true}}});
}

json deploy_steps() {
    return json::array(
        {{{"step", "write_image"}, {"priority", 0}, {"interface", "deploy"}, {"reboot_requested", false}}});
}

void add_builtin_commands(CommandRegistry& registry, const BuiltinOptions& options) {
    const bool allow_power = options.allow_power_actions;
    auto state = options.state ? options.state : std::make_shared<DeployState>();

    // standby: the image and the machine's power.
    registry.add("standby", "sync", sync_command([](const json&) {
                     ::sync();
                     return json(nullptr);
                 }));
    registry.add("standby", "power_off", async_command([allow_power](const json&) {
                     power_action(PowerAction::power_off, allow_power);
                     return json(nullptr);
                 }));
    registry.add("standby", "run_image", async_command([allow_power](const json&) {
                     power_action(PowerAction::reboot, allow_power);
                     return json(nullptr);
                 }));
    registry.add("standby", "cache_image",
                 pending("standby.cache_image", "caching an image without writing it is not supported"));

    // clean. Like IPA, the step listings remember the node they carry (its
    // root device hints serve a later prepare_image).
    registry.add(
        "clean", "get_clean_steps", sync_command([state](const json& params) {
            state->remember_node(params.value("node", json()));
            return json{{"clean_steps", {{kManager, clean_steps()}}}, {"hardware_manager_version", manager_versions()}};
        }));
    add_clean_commands(registry, options.disks);

    // deploy, standby.prepare_image, standby.get_partition_uuids, image.install_bootloader
    registry.add("deploy", "get_deploy_steps", sync_command([state](const json& params) {
                     state->remember_node(params.value("node", json()));
                     return json{{"deploy_steps", {{kManager, deploy_steps()}}},
                                 {"hardware_manager_version", manager_versions()}};
                 }));
    add_deploy_commands(registry, state, options.disks);

    // log
    registry.add("log", "collect_system_logs", sync_command([](const json&) {
                     return json{{"system_logs", collect_system_logs()}};
                 }));
}

}  // namespace ingot::agent::service
