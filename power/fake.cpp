#include "power/fake.h"

#include <algorithm>

namespace ingot::power {

using interfaces::Task;

std::string FakePower::get_power_state(Task& task) {
    const auto& state = task.node().value("power_state", nlohmann::json());
    return state.is_string() ? state.get<std::string>() : interfaces::kPowerOff;
}

void FakePower::set_power_state(Task& task, const std::string& state, std::chrono::seconds) {
    task.node()["power_state"] = state == interfaces::kSoftPowerOff ? interfaces::kPowerOff
                                 : state == interfaces::kSoftRebooting ? interfaces::kPowerOn
                                                                       : state;
}

void FakePower::reboot(Task& task, std::chrono::seconds) {
    task.node()["power_state"] = interfaces::kPowerOn;
}

std::vector<std::string> FakePower::supported_power_states(const Task&) const {
    return {interfaces::kPowerOn, interfaces::kPowerOff, interfaces::kRebooting, interfaces::kSoftPowerOff,
            interfaces::kSoftRebooting};
}

void FakeManagement::set_boot_device(Task& task, const std::string& device, bool persistent) {
    auto supported = get_supported_boot_devices(task);
    if (std::find(supported.begin(), supported.end(), device) == supported.end())
        throw interfaces::InvalidParameter("Invalid boot device " + device + " specified.");
    task.driver_internal_info()["fake_boot_device"] = {{"boot_device", device}, {"persistent", persistent}};
}

interfaces::BootDevice FakeManagement::get_boot_device(Task& task) {
    const auto& saved = task.driver_internal_info().value("fake_boot_device", nlohmann::json());
    if (!saved.is_object()) return {interfaces::kBootPxe, false};
    return {saved.value("boot_device", ""), saved.value("persistent", false)};
}

std::vector<std::string> FakeManagement::get_supported_boot_devices(const Task&) const {
    return {interfaces::kBootPxe, interfaces::kBootDisk};
}

}  // namespace ingot::power
