// Power control through the node's BMC.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "interfaces/base_interface.h"

namespace ingot::interfaces {

// Ironic's power state strings, as the API shows them.
inline constexpr const char* kPowerOn = "power on";
inline constexpr const char* kPowerOff = "power off";
inline constexpr const char* kRebooting = "rebooting";
inline constexpr const char* kSoftPowerOff = "soft power off";
inline constexpr const char* kSoftRebooting = "soft rebooting";

class PowerInterface : public BaseInterface {
public:
    // "power on" or "power off" (throws on a BMC error).
    virtual std::string get_power_state(Task& task) = 0;
    // `state` is power on/off or soft power off; `timeout` bounds the wait
    // for the machine to reach it.
    virtual void set_power_state(Task& task, const std::string& state, std::chrono::seconds timeout) = 0;
    virtual void reboot(Task& task, std::chrono::seconds timeout) = 0;
    virtual std::vector<std::string> supported_power_states(const Task& task) const {
        return {kPowerOn, kPowerOff, kRebooting};
    }
};

}  // namespace ingot::interfaces
