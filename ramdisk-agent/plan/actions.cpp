#include "ramdisk-agent/plan/action.h"

#include <algorithm>

#include "ramdisk-agent/plan/block_devices.h"

namespace ingot::agent::plan {

Registry<Action>& actions() {
    static Registry<Action> registry = [] {
        Registry<Action> r(kActionsNamespace);
        r.add("partitioning", "partition tables, RAID, LVM and filesystems", make_partitioning_action);
        r.add("image", "write the images to their targets", make_image_action);
        r.add("configdrive", "build the config-2 ISO and write it to its partition", make_configdrive_action);
        r.add("bootloader", "install grub for partition images", make_bootloader_action);
        return r;
    }();
    return registry;
}

const std::vector<std::string>& action_order() {
    static const std::vector<std::string> order = {"partitioning", "image", "configdrive", "bootloader"};
    return order;
}

std::vector<std::string> deploy_order() {
    std::vector<std::string> order = action_order();
    for (const auto& name : actions().names()) {  // sorted by name
        if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
    }
    return order;
}

void Action::run(const DeployPlan& plan, const CommandRunner& runner) const {
    run_commands(commands(plan), runner);
}

CommandRunner process_runner() {
    return [](const Command& argv) {
        ProcessOptions options;
        options.timeout = std::chrono::minutes(30);
        return run_process(argv, options);
    };
}

void run_commands(const std::vector<Command>& commands, const CommandRunner& runner) {
    for (const auto& argv : commands) run_command(argv, runner);
}

}  // namespace ingot::agent::plan
