// IPMI power and management through Debian's ipmitool. The driver_info keys
// and their validation are Ironic's; talking to a BMC comes with the
// real-power work, and until then the operations refuse clearly.
#pragma once

#include "interfaces/management.h"
#include "interfaces/power.h"

namespace ingot::power {

std::vector<interfaces::PropertySpec> ipmitool_properties();
void validate_ipmitool(const interfaces::Task& task);

class IpmitoolPower : public interfaces::PowerInterface {
public:
    std::vector<interfaces::PropertySpec> properties() const override { return ipmitool_properties(); }
    void validate(const interfaces::Task& task) const override { validate_ipmitool(task); }
    std::string get_power_state(interfaces::Task& task) override;
    void set_power_state(interfaces::Task& task, const std::string& state, std::chrono::seconds timeout) override;
    void reboot(interfaces::Task& task, std::chrono::seconds timeout) override;
};

class IpmitoolManagement : public interfaces::ManagementInterface {
public:
    std::vector<interfaces::PropertySpec> properties() const override { return ipmitool_properties(); }
    void validate(const interfaces::Task& task) const override { validate_ipmitool(task); }
    void set_boot_device(interfaces::Task& task, const std::string& device, bool persistent) override;
    interfaces::BootDevice get_boot_device(interfaces::Task& task) override;
    std::vector<std::string> get_supported_boot_devices(const interfaces::Task& task) const override;
};

}  // namespace ingot::power
