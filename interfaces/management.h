// The BMC's other duties: which device the machine boots from.
#pragma once

#include <string>
#include <vector>

#include "interfaces/base_interface.h"

namespace ingot::interfaces {

// Ironic's boot device names.
inline constexpr const char* kBootPxe = "pxe";
inline constexpr const char* kBootDisk = "disk";
inline constexpr const char* kBootCdrom = "cdrom";
inline constexpr const char* kBootBios = "bios";

struct BootDevice {
    std::string device;  // empty when the BMC does not say
    bool persistent = false;
};

class ManagementInterface : public BaseInterface {
public:
    virtual void set_boot_device(Task& task, const std::string& device, bool persistent) = 0;
    virtual BootDevice get_boot_device(Task& task) = 0;
    virtual std::vector<std::string> get_supported_boot_devices(const Task& task) const = 0;
};

}  // namespace ingot::interfaces
