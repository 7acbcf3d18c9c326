// IPMI power and management through Debian's ipmitool (hardware type
// `ipmi`), behaving as Ironic's ipmitool interfaces do. The driver_info keys
// are in ipmitool_driver_info.h, the command lines and their errors in
// ipmitool_command.h, retries and pacing in ipmitool_runner.h.
#pragma once

#include "interfaces/management.h"
#include "interfaces/power.h"
#include "power/ipmitool_command.h"
#include "power/ipmitool_runner.h"

namespace ingot::power {

class IpmitoolPower : public interfaces::PowerInterface {
public:
    explicit IpmitoolPower(IpmitoolSettings settings = {}, IpmitoolRunner::Executor executor = run_process)
        : settings_(std::move(settings)), executor_(std::move(executor)) {}
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    std::string get_power_state(interfaces::Task& task) override;
    // power on, power off, soft power off (`power soft`, ACPI) and soft
    // rebooting (soft power off, then on); each waits up to `timeout` for
    // the BMC to report the state reached.
    void set_power_state(interfaces::Task& task, const std::string& state, std::chrono::seconds timeout) override;
    // As Ironic: power off (unless already off) and wait, then power on and
    // wait; `timeout` counts once for each.
    void reboot(interfaces::Task& task, std::chrono::seconds timeout) override;
    std::vector<std::string> supported_power_states(const interfaces::Task& task) const override;

private:
    IpmitoolSettings settings_;
    IpmitoolRunner::Executor executor_;
};

class IpmitoolManagement : public interfaces::ManagementInterface {
public:
    explicit IpmitoolManagement(IpmitoolSettings settings = {}, IpmitoolRunner::Executor executor = run_process)
        : settings_(std::move(settings)), executor_(std::move(executor)) {}
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    // `chassis bootdev <device> [options=persistent,efiboot]` (efiboot when
    // the node boots in UEFI mode), preceded by the raw command that
    // disables the BMC's 60 s boot flag timeout unless
    // ipmi_disable_boot_timeout / [ipmi]disable_boot_timeout say not to.
    void set_boot_device(interfaces::Task& task, const std::string& device, bool persistent) override;
    interfaces::BootDevice get_boot_device(interfaces::Task& task) override;
    std::vector<std::string> get_supported_boot_devices(const interfaces::Task& task) const override;

private:
    IpmitoolSettings settings_;
    IpmitoolRunner::Executor executor_;
};

}  // namespace ingot::power
