// Fake power and management: no BMC; the power state and boot device live in
// the node record. For tests and fake-hardware (Ironic's FakePower and
// FakeManagement).
#pragma once

#include "interfaces/management.h"
#include "interfaces/power.h"

namespace ingot::power {

class FakePower : public interfaces::PowerInterface {
public:
    std::string get_power_state(interfaces::Task& task) override;
    void set_power_state(interfaces::Task& task, const std::string& state, std::chrono::seconds timeout) override;
    void reboot(interfaces::Task& task, std::chrono::seconds timeout) override;
    std::vector<std::string> supported_power_states(const interfaces::Task& task) const override;
};

class FakeManagement : public interfaces::ManagementInterface {
public:
    void set_boot_device(interfaces::Task& task, const std::string& device, bool persistent) override;
    interfaces::BootDevice get_boot_device(interfaces::Task& task) override;
    std::vector<std::string> get_supported_boot_devices(const interfaces::Task& task) const override;
};

}  // namespace ingot::power
