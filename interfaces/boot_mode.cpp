#include "interfaces/boot_mode.h"

#include "common/strings.h"

namespace ingot::interfaces {

std::string capability(const Task& task, const std::string& name) {
    const auto& caps = task.properties().value("capabilities", nlohmann::json());
    if (caps.is_object()) {
        auto it = caps.find(name);
        return it != caps.end() && it->is_string() ? it->get<std::string>() : std::string();
    }
    if (!caps.is_string()) return "";
    for (const auto& item : split(caps.get<std::string>(), ',')) {
        auto colon = item.find(':');
        if (colon != std::string::npos && trim(item.substr(0, colon)) == name) return trim(item.substr(colon + 1));
    }
    return "";
}

std::string boot_mode(const Task& task, const std::string& default_mode) {
    std::string mode = task.instance_info().value("deploy_boot_mode", std::string());
    if (mode.empty()) mode = capability(task, "boot_mode");
    mode = to_lower(mode);
    if (mode == kBootModeUefi || mode == kBootModeBios) return mode;
    return default_mode;
}

}  // namespace ingot::interfaces
