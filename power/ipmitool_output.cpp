#include "power/ipmitool_output.h"

#include "common/strings.h"
#include "interfaces/power.h"

namespace ingot::power {

std::optional<std::string> parse_power_status(const std::string& out) {
    for (const auto& line : split(out, '\n')) {
        const std::string t = trim(line);
        if (t == "Chassis Power is on") return std::string(interfaces::kPowerOn);
        if (t == "Chassis Power is off") return std::string(interfaces::kPowerOff);
    }
    return std::nullopt;
}

interfaces::BootDevice parse_boot_parameter(const std::string& out) {
    interfaces::BootDevice result;
    static const std::string selector = "Boot Device Selector :";
    for (const auto& line : split(out, '\n')) {
        auto at = line.find(selector);
        if (at == std::string::npos) continue;
        const std::string value = trim(line.substr(at + selector.size()));
        if (value.find("PXE") != std::string::npos)
            result.device = interfaces::kBootPxe;
        else if (value.find("Hard-Drive") != std::string::npos)
            result.device = value.find("Safe-Mode") != std::string::npos ? "safe" : interfaces::kBootDisk;
        else if (value.find("BIOS") != std::string::npos)
            result.device = interfaces::kBootBios;
        else if (value.find("CD/DVD") != std::string::npos)
            result.device = interfaces::kBootCdrom;
        break;
    }
    result.persistent = out.find("Options apply to all future boots") != std::string::npos;
    return result;
}

}  // namespace ingot::power
