// ipmitool's answers (`power status`, `chassis bootparam get 5`) as the
// ipmitool power and management interfaces read them: text from a process
// that talks to a BMC on the network, so anything at all.
//
// Invariants: the power state is "power on", "power off" or nothing; the
// boot device is one of Ironic's names or empty; neither reads past the
// text (ASan) nor depends on anything after a NUL being a terminator.
#include <string>

#include "fuzz/support/fuzz_support.h"
#include "interfaces/management.h"
#include "interfaces/power.h"
#include "power/ipmitool_output.h"

using namespace ingot;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string out(reinterpret_cast<const char*>(data), size);
    if (auto state = power::parse_power_status(out)) {
        fuzz::check(*state == interfaces::kPowerOn || *state == interfaces::kPowerOff,
                    "parse_power_status answered " + *state);
        fuzz::check(out.find("Chassis Power is ") != std::string::npos, "a power state from nowhere");
    }
    const interfaces::BootDevice device = power::parse_boot_parameter(out);
    const std::string& d = device.device;
    fuzz::check(d.empty() || d == interfaces::kBootPxe || d == interfaces::kBootDisk || d == interfaces::kBootBios ||
                    d == interfaces::kBootCdrom || d == "safe",
                "parse_boot_parameter answered " + d);
    fuzz::check(d.empty() || out.find("Boot Device Selector :") != std::string::npos, "a boot device from nowhere");
    return 0;
}
