#include "power/ipmitool.h"

#include <algorithm>
#include <thread>

#include "common/strings.h"
#include "interfaces/boot_mode.h"
#include "power/ipmitool_output.h"

namespace ingot::power {
namespace {

using interfaces::InvalidParameter;
using interfaces::kPowerOff;
using interfaces::kPowerOn;
using interfaces::Task;
using Clock = std::chrono::steady_clock;

IpmitoolRunner make_runner(const Task& task, const IpmitoolSettings& settings,
                           const IpmitoolRunner::Executor& executor) {
    return IpmitoolRunner(parse_ipmitool_driver_info(task, settings.disable_boot_timeout), settings, task.node_uuid(),
                          BmcThrottle::global(), executor);
}

std::string power_status(IpmitoolRunner& runner) {
    const std::string out = runner.run({"power", "status"});
    if (auto state = parse_power_status(out)) return *state;
    throw IpmiError(IpmiFailure::other, "IPMI power status failed " + runner.where() + ": ipmitool answered \"" +
                                            trim(out) + "\", neither on nor off");
}

// Polls `power status` until the machine is in `wanted`, as Ironic's
// node_wait_for_power_state does (BMCs apply power changes asynchronously).
void wait_for_power(IpmitoolRunner& runner, const std::string& wanted, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    auto pause = std::chrono::milliseconds(250);
    std::string state;
    while (true) {
        state = power_status(runner);
        if (state == wanted) return;
        if (Clock::now() + pause > deadline) break;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(2000));
    }
    throw interfaces::BmcError("Timed out after " + std::to_string(timeout.count()) + " s waiting for node " +
                               runner.node_uuid() + " to reach \"" + wanted + "\": its BMC at " +
                               runner.connection().endpoint() + " still reports \"" + state + "\"");
}

void power_and_wait(IpmitoolRunner& runner, const char* verb, const std::string& wanted, std::chrono::seconds timeout) {
    runner.run({"power", verb});
    wait_for_power(runner, wanted, timeout);
}

}  // namespace

std::vector<interfaces::PropertySpec> IpmitoolPower::properties() const {
    return ipmitool_properties();
}

void IpmitoolPower::validate(const Task& task) const {
    parse_ipmitool_driver_info(task, settings_.disable_boot_timeout);
}

std::string IpmitoolPower::get_power_state(Task& task) {
    auto runner = make_runner(task, settings_, executor_);
    return power_status(runner);
}

void IpmitoolPower::set_power_state(Task& task, const std::string& state, std::chrono::seconds timeout) {
    auto runner = make_runner(task, settings_, executor_);
    if (state == kPowerOn) {
        power_and_wait(runner, "on", kPowerOn, timeout);
    } else if (state == kPowerOff) {
        power_and_wait(runner, "off", kPowerOff, timeout);
    } else if (state == interfaces::kSoftPowerOff) {
        power_and_wait(runner, "soft", kPowerOff, timeout);
    } else if (state == interfaces::kSoftRebooting) {
        power_and_wait(runner, "soft", kPowerOff, timeout);
        power_and_wait(runner, "on", kPowerOn, timeout);
    } else {
        throw InvalidParameter("set_power_state called with invalid power state " + state + ".");
    }
}

void IpmitoolPower::reboot(Task& task, std::chrono::seconds timeout) {
    auto runner = make_runner(task, settings_, executor_);
    // Some BMCs refuse "power off" on a machine that is off.
    if (power_status(runner) != kPowerOff) power_and_wait(runner, "off", kPowerOff, timeout);
    power_and_wait(runner, "on", kPowerOn, timeout);
}

std::vector<std::string> IpmitoolPower::supported_power_states(const Task&) const {
    return {kPowerOn, kPowerOff, interfaces::kRebooting, interfaces::kSoftRebooting, interfaces::kSoftPowerOff};
}

std::vector<interfaces::PropertySpec> IpmitoolManagement::properties() const {
    return ipmitool_properties();
}

void IpmitoolManagement::validate(const Task& task) const {
    parse_ipmitool_driver_info(task, settings_.disable_boot_timeout);
}

void IpmitoolManagement::set_boot_device(Task& task, const std::string& device, bool persistent) {
    const auto supported = get_supported_boot_devices(task);
    if (std::find(supported.begin(), supported.end(), device) == supported.end())
        throw InvalidParameter("Invalid boot device " + device + " specified.");
    auto runner = make_runner(task, settings_, executor_);
    // Per the IPMI spec the boot flags expire 60 s after they are set unless
    // this (Set System Boot Options, parameter 3) says otherwise.
    if (runner.connection().disable_boot_timeout) runner.run({"raw", "0x00", "0x08", "0x03", "0x08"});
    std::vector<std::string> options;
    if (persistent) options.push_back("persistent");
    if (interfaces::boot_mode(task) == interfaces::kBootModeUefi) options.push_back("efiboot");
    std::vector<std::string> command = {"chassis", "bootdev", device};
    if (!options.empty()) command.push_back("options=" + join(options, ","));
    runner.run(command);
}

interfaces::BootDevice IpmitoolManagement::get_boot_device(Task& task) {
    auto runner = make_runner(task, settings_, executor_);
    return parse_boot_parameter(runner.run({"chassis", "bootparam", "get", "5"}));
}

std::vector<std::string> IpmitoolManagement::get_supported_boot_devices(const Task&) const {
    return {interfaces::kBootPxe, interfaces::kBootDisk, interfaces::kBootCdrom, interfaces::kBootBios, "safe"};
}

}  // namespace ingot::power
