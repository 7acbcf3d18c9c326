#include "power/redfish.h"

#include <thread>

#include "interfaces/boot_mode.h"
#include "power/redfish_system.h"

namespace ingot::power {
namespace {

using interfaces::Task;
using Clock = std::chrono::steady_clock;

// Polls until the system reports `wanted`, as Ironic's
// node_wait_for_power_state does; BMCs apply resets asynchronously.
void wait_for_power(RedfishSystem& system, const Task& task, const std::string& wanted, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    auto pause = std::chrono::milliseconds(100);
    std::string state;
    while (true) {
        state = system.power_state();
        if (state == wanted) return;
        if (Clock::now() + pause > deadline) break;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(2000));
    }
    throw interfaces::BmcError("Timed out after " + std::to_string(timeout.count()) + " s waiting for node " +
                               task.node_uuid() + " to reach \"" + wanted + "\"; its BMC still reports \"" + state +
                               "\"");
}

void check_media_device(const Task& task, const std::string& device) {
    if (device != interfaces::kVirtualMediaCd && device != interfaces::kVirtualMediaFloppy)
        throw interfaces::InvalidParameter("Node " + task.node_uuid() + ": unknown virtual media device \"" + device +
                                           "\" (cd or floppy)");
}

// The client's errors name the BMC and its answer but not what we were
// doing; the system's (no CD drive) name neither node nor BMC. Add what is
// missing, without repeating the BMC. The URL is ours (http_url), never a
// credential.
[[noreturn]] void media_failed(const Task& task, const RedfishConnection& bmc, const std::string& what,
                               const std::exception& e) {
    const std::string cause = e.what();
    const bool names_bmc = cause.find(bmc.address) != std::string::npos;
    throw interfaces::BmcError("Cannot " + what + " of node " + task.node_uuid() +
                               (names_bmc ? "" : " through Redfish BMC " + bmc.address) + ": " + cause);
}

}  // namespace

std::vector<interfaces::PropertySpec> RedfishPower::properties() const {
    return redfish_properties();
}

void RedfishPower::validate(const Task& task) const {
    parse_redfish_driver_info(task);
}

std::string RedfishPower::get_power_state(Task& task) {
    RedfishClient client(parse_redfish_driver_info(task), settings_, task.node_uuid());
    return RedfishSystem(client).power_state();
}

void RedfishPower::set_power_state(Task& task, const std::string& state, std::chrono::seconds timeout) {
    RedfishClient client(parse_redfish_driver_info(task), settings_, task.node_uuid());
    RedfishSystem system(client);
    system.reset(state);
    const bool ends_on = state == interfaces::kPowerOn || state == interfaces::kSoftRebooting;
    wait_for_power(system, task, ends_on ? interfaces::kPowerOn : interfaces::kPowerOff, timeout);
}

void RedfishPower::reboot(Task& task, std::chrono::seconds timeout) {
    // A hard reboot as Ironic does it: off (when on), then on, so the
    // machine re-reads its boot override on every BMC.
    RedfishClient client(parse_redfish_driver_info(task), settings_, task.node_uuid());
    RedfishSystem system(client);
    if (system.power_state() == interfaces::kPowerOn) {
        system.reset(interfaces::kPowerOff);
        wait_for_power(system, task, interfaces::kPowerOff, timeout);
    }
    system.reset(interfaces::kPowerOn);
    wait_for_power(system, task, interfaces::kPowerOn, timeout);
}

std::vector<std::string> RedfishPower::supported_power_states(const Task&) const {
    return {interfaces::kPowerOn, interfaces::kPowerOff, interfaces::kRebooting, interfaces::kSoftRebooting,
            interfaces::kSoftPowerOff};
}

std::vector<interfaces::PropertySpec> RedfishManagement::properties() const {
    return redfish_properties();
}

void RedfishManagement::validate(const Task& task) const {
    parse_redfish_driver_info(task);
}

void RedfishManagement::set_boot_device(Task& task, const std::string& device, bool persistent) {
    RedfishClient client(parse_redfish_driver_info(task), settings_, task.node_uuid());
    RedfishSystem(client).set_boot_device(device, persistent, interfaces::boot_mode(task));
}

interfaces::BootDevice RedfishManagement::get_boot_device(Task& task) {
    RedfishClient client(parse_redfish_driver_info(task), settings_, task.node_uuid());
    return RedfishSystem(client).boot_device();
}

std::vector<std::string> RedfishManagement::get_supported_boot_devices(const Task&) const {
    return {interfaces::kBootPxe, interfaces::kBootDisk, interfaces::kBootCdrom, interfaces::kBootBios};
}

void RedfishManagement::insert_virtual_media(Task& task, const std::string& device, const std::string& url) {
    check_media_device(task, device);
    const RedfishConnection bmc = parse_redfish_driver_info(task);
    try {
        RedfishClient client(bmc, settings_, task.node_uuid());
        RedfishSystem(client).insert_media(device, url);
    } catch (const interfaces::BmcError& e) {
        media_failed(task, bmc, "insert " + url + " into the virtual " + device, e);
    }
}

void RedfishManagement::eject_virtual_media(Task& task, const std::string& device) {
    check_media_device(task, device);
    const RedfishConnection bmc = parse_redfish_driver_info(task);
    try {
        RedfishClient client(bmc, settings_, task.node_uuid());
        RedfishSystem(client).eject_media(device);
    } catch (const interfaces::BmcError& e) {
        media_failed(task, bmc, "eject the virtual " + device, e);
    }
}

}  // namespace ingot::power
