// Redfish power and management (hardware type `redfish`).
#pragma once

#include "interfaces/management.h"
#include "interfaces/power.h"
#include "interfaces/virtual_media.h"
#include "power/redfish_client.h"

namespace ingot::power {

class RedfishPower : public interfaces::PowerInterface {
public:
    explicit RedfishPower(RedfishSettings settings) : settings_(std::move(settings)) {}
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    std::string get_power_state(interfaces::Task& task) override;
    void set_power_state(interfaces::Task& task, const std::string& state, std::chrono::seconds timeout) override;
    void reboot(interfaces::Task& task, std::chrono::seconds timeout) override;
    std::vector<std::string> supported_power_states(const interfaces::Task& task) const override;

private:
    RedfishSettings settings_;
};

// Also attaches boot ISOs through the BMC's VirtualMedia, for the
// redfish-virtual-media boot interface.
class RedfishManagement : public interfaces::ManagementInterface, public interfaces::VirtualMediaCapable {
public:
    explicit RedfishManagement(RedfishSettings settings) : settings_(std::move(settings)) {}
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    void set_boot_device(interfaces::Task& task, const std::string& device, bool persistent) override;
    interfaces::BootDevice get_boot_device(interfaces::Task& task) override;
    std::vector<std::string> get_supported_boot_devices(const interfaces::Task& task) const override;
    void insert_virtual_media(interfaces::Task& task, const std::string& device, const std::string& url) override;
    void eject_virtual_media(interfaces::Task& task, const std::string& device) override;

private:
    RedfishSettings settings_;
};

}  // namespace ingot::power
