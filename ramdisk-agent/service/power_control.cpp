#include "ramdisk-agent/service/power_control.h"

#include <linux/reboot.h>
#include <sys/reboot.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "ramdisk-agent/service/command_result.h"

namespace ingot::agent::service {

bool power_actions_permitted(bool allow_flag) {
    return allow_flag || getpid() == 1;
}

void power_action(PowerAction action, bool allow_flag) {
    const char* what = action == PowerAction::power_off ? "power off" : "reboot";
    if (!power_actions_permitted(allow_flag)) {
        throw AgentError("CommandExecutionError", 500, "Command execution failed",
                         std::string("Refusing to ") + what +
                             " the machine: ingot-agent is not PID 1 (not running as a ramdisk) and was not "
                             "started with --allow-power-actions");
    }
    log::warning("agent.power_action", {{"action", what}});
    ::sync();
    if (::reboot(action == PowerAction::power_off ? RB_POWER_OFF : RB_AUTOBOOT) != 0)
        throw execution_error(std::string("The kernel refused to ") + what + ": " + std::strerror(errno));
}

}  // namespace ingot::agent::service
