#include "ramdisk-agent/plan/action.h"

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"

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
    for (const auto& argv : commands) {
        ProcessResult result = runner(argv);
        std::string command = join(argv, " ");
        log::info("agent.plan.command", {{"command", command},
                                         {"exit_code", std::to_string(result.exit_code)},
                                         {"out", trim(result.out)},
                                         {"err", trim(result.err)}});
        if (result.exit_code != 0) {
            throw Error("'" + command + "' failed" + (result.timed_out ? " (timed out)" : "") + " with exit code " +
                        std::to_string(result.exit_code) + ": " + trim(result.err));
        }
    }
}

}  // namespace ingot::agent::plan
