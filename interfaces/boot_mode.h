// Which firmware mode a node boots in, decided as Ironic does: the instance's
// deploy_boot_mode, else the node's "boot_mode" capability, else the default.
#pragma once

#include <string>

#include "interfaces/task.h"

namespace ingot::interfaces {

inline constexpr const char* kBootModeUefi = "uefi";
inline constexpr const char* kBootModeBios = "bios";

// "uefi" or "bios".
std::string boot_mode(const Task& task, const std::string& default_mode = kBootModeUefi);

// One capability from properties.capabilities ("k1:v1,k2:v2" or an object);
// empty when absent.
std::string capability(const Task& task, const std::string& name);

}  // namespace ingot::interfaces
