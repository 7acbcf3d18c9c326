// `redfish-virtual-media` (Ironic's name): the machine boots the agent from
// an ISO its BMC attaches as a virtual CD, so no DHCP, PXE or TFTP is
// involved. The ISO (boot_iso.h) holds the deploy kernel and ramdisk, the
// API's CA ([agent] api_ca_file, as a second initrd) and the kernel command
// line with a fresh agent token (ipa-agent-token, minted here and saved as
// pregenerated, so that no lookup ever hands the token out). That makes the
// ISO a secret: it is built for the node at each boot, never cached, mode
// 0600, served from HTTP_ROOT/redfish/<uuid>-<random>.iso (a name nobody can
// guess) and removed at clean-up. driver_info redfish_deploy_iso names a
// prebuilt ISO instead (its own command line, no token: served as
// <uuid>.iso, and its agent gets its token from its lookup).
//
//   prepare_ramdisk   eject the CD, stage the ISO, insert it, boot device
//                     cdrom (once); on failure nothing stays attached
//   clean_up_ramdisk  eject (a failure is logged), remove the node's ISO
//   prepare_instance  clean up the ramdisk, boot device disk (persistent)
//   clean_up_instance eject, remove the node's ISO
//
// The node's management interface attaches the media: it must implement
// interfaces::VirtualMediaCapable (redfish does).
#pragma once

#include "boot/boot_iso.h"
#include "boot/boot_settings.h"
#include "interfaces/boot.h"

namespace ingot::interfaces {
class VirtualMediaCapable;
}

namespace ingot::boot {

class RedfishVirtualMediaBoot : public interfaces::BootInterface {
public:
    explicit RedfishVirtualMediaBoot(BootSettings settings, BootIsoOptions iso_options = {});
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    void prepare_ramdisk(interfaces::Task& task, const std::map<std::string, std::string>& kernel_params) override;
    void clean_up_ramdisk(interfaces::Task& task) override;
    void prepare_instance(interfaces::Task& task) override;
    void clean_up_instance(interfaces::Task& task) override;

    // HTTP_ROOT/redfish/<iso_name> and the URL the BMC fetches it from.
    std::string node_iso_path(const std::string& iso_name) const;
    std::string node_iso_url(const std::string& iso_name) const;

private:
    // Puts the node's ISO in place; returns its file name.
    std::string stage_iso(interfaces::Task& task, const std::map<std::string, std::string>& kernel_params);
    void remove_media(interfaces::Task& task);
    // Every ISO of the node in HTTP_ROOT/redfish (this boot's and older ones).
    void remove_node_isos(const std::string& node_uuid);

    const BootSettings settings_;
    BootIsoBuilder builder_;
};

}  // namespace ingot::boot
