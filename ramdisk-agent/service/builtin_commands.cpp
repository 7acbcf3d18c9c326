#include "ramdisk-agent/service/builtin_commands.h"

#include <unistd.h>

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

    // standby: the image and the machine's power.
    registry.add("standby", "get_partition_uuids", sync_command([](const json&) { return json::object(); }));
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
    registry.add("standby", "prepare_image", pending("standby.prepare_image", "image streaming is not wired in"));
    registry.add("standby", "cache_image", pending("standby.cache_image", "image streaming is not wired in"));

    // clean
    registry.add(
        "clean", "get_clean_steps", sync_command([](const json&) {
            return json{{"clean_steps", {{kManager, clean_steps()}}}, {"hardware_manager_version", manager_versions()}};
        }));
    registry.add("clean", "execute_clean_step",
                 pending("clean.execute_clean_step",
                         "disk erasure (erase_devices, erase_devices_metadata) "
                         "comes with the partitioning work"));

    // deploy
    registry.add("deploy", "get_deploy_steps", sync_command([](const json&) {
                     return json{{"deploy_steps", {{kManager, deploy_steps()}}},
                                 {"hardware_manager_version", manager_versions()}};
                 }));
    registry.add("deploy", "execute_deploy_step",
                 pending("deploy.execute_deploy_step", "write_image comes with the image streaming work"));

    // image
    registry.add("image", "install_bootloader",
                 pending("image.install_bootloader", "bootloader installation comes with the plan work"));

    // log
    registry.add("log", "collect_system_logs", sync_command([](const json&) {
                     return json{{"system_logs", collect_system_logs()}};
                 }));
}

}  // namespace ingot::agent::service
