// Powering the machine the agent runs on off or rebooting it. Guarded: see
// BuiltinOptions::allow_power_actions.
#pragma once

#include <string>

namespace ingot::agent::service {

enum class PowerAction { power_off, reboot };

// True when the agent may act on the machine's power: it runs as PID 1 or
// was started with --allow-power-actions.
bool power_actions_permitted(bool allow_flag);

// Flushes the disks and powers off or reboots at once; throws AgentError
// when not permitted or when the kernel refuses.
void power_action(PowerAction action, bool allow_flag);

}  // namespace ingot::agent::service
