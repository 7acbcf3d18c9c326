// One ComputerSystem on a Redfish BMC, in Ironic's terms: power states,
// reset actions chosen from what the system allows, the boot override and
// its virtual media drives.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "interfaces/management.h"
#include "interfaces/power.h"
#include "power/redfish_client.h"

namespace ingot::power {

class RedfishSystem {
public:
    explicit RedfishSystem(RedfishClient& client);

    // The system's @odata.id: redfish_system_id, or the only member of the
    // Systems collection (an error names the members when there are several).
    const std::string& path();
    // The system resource as last read; refresh() reads it again.
    const nlohmann::json& resource();
    void refresh();

    // "power on" or "power off" (PoweringOn counts as on, PoweringOff as off).
    std::string power_state();
    // `action` is power on, power off, soft power off, soft rebooting or
    // rebooting; the ResetType is the first of Ironic's choices for it that
    // the system's AllowableValues list. Returns the ResetType used.
    std::string reset(const std::string& action);
    std::vector<std::string> allowed_reset_types();

    // Ironic device names (pxe, disk, cdrom, bios); `mode` is "uefi",
    // "bios" or empty to leave the system's mode alone.
    void set_boot_device(const std::string& device, bool persistent, const std::string& mode);
    interfaces::BootDevice boot_device();

    // `kind` is "cd" or "floppy" (floppy also matches USB sticks). Ejects a
    // different image first.
    void insert_media(const std::string& kind, const std::string& image_url);
    void eject_media(const std::string& kind);
    // The drive's resource (Image, Inserted, ...).
    nlohmann::json media(const std::string& kind);

private:
    std::string media_path(const std::string& kind);
    std::vector<std::string> media_drives();

    RedfishClient& client_;
    std::string path_;
    std::optional<nlohmann::json> resource_;
};

// Ironic's names <-> Redfish's.
std::optional<std::string> redfish_boot_target(const std::string& ironic_device);
std::optional<std::string> ironic_boot_device(const std::string& redfish_target);

}  // namespace ingot::power
