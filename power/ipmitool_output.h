// Reading ipmitool's answers: `power status` and `chassis bootparam get 5`.
#pragma once

#include <optional>
#include <string>

#include "interfaces/management.h"

namespace ingot::power {

// "power on" for "Chassis Power is on", "power off" for "Chassis Power is
// off"; nothing for any other answer.
std::optional<std::string> parse_power_status(const std::string& out);

// The boot device and persistence from `chassis bootparam get 5`, read as
// Ironic reads them: the "Boot Device Selector" line (PXE, Hard-Drive,
// Safe-Mode, BIOS, CD/DVD; anything else, e.g. "No override", is no device)
// and "Options apply to all future boots".
interfaces::BootDevice parse_boot_parameter(const std::string& out);

}  // namespace ingot::power
