// A capability a management interface may have besides boot devices:
// attaching an image by URL to one of the machine's virtual drives, as a
// Redfish BMC's VirtualMedia does. The virtual media boot interface finds
// it with dynamic_cast on the node's management interface, so a hardware
// type whose BMC has no virtual media simply does not implement it.
#pragma once

#include <string>

namespace ingot::interfaces {

class Task;

// Drive kinds, as Ironic names them.
inline constexpr const char* kVirtualMediaCd = "cd";
inline constexpr const char* kVirtualMediaFloppy = "floppy";

class VirtualMediaCapable {
public:
    virtual ~VirtualMediaCapable() = default;
    // The machine's BMC fetches `url` and shows it as the `device` drive
    // ("cd" or "floppy"), replacing what was there. Throws BmcError.
    virtual void insert_virtual_media(Task& task, const std::string& device, const std::string& url) = 0;
    // Empties the drive; an empty drive is fine. Throws BmcError.
    virtual void eject_virtual_media(Task& task, const std::string& device) = 0;
};

}  // namespace ingot::interfaces
