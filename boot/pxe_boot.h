// `pxe`: firmware PXE over TFTP. BIOS machines load pxelinux.0 and read
// TFTP_ROOT/pxelinux.cfg/01-<mac>; UEFI machines load GRUB (bootx64.efi)
// and read TFTP_ROOT/grub/grub.cfg-01-<mac>. Kernel and ramdisk come over
// TFTP from TFTP_ROOT/<node uuid>/.
#pragma once

#include "boot/network_boot.h"

namespace ingot::boot {

class PxeBoot : public NetworkBoot {
public:
    using NetworkBoot::NetworkBoot;

protected:
    const std::string& root() const override { return settings_.tftp_root; }
    std::string loader_path(const std::string& node_uuid, const std::string& file) const override;
    std::string mac_config(const interfaces::Task& task, const BootEntry& entry) const override;
    void write_mac_config(const interfaces::Task& task, const std::string& mac, const std::string& text) override;
    void remove_mac_config(const std::string& mac) override;
    DhcpBootOptions dhcp_options(const interfaces::Task& task) const override;
};

}  // namespace ingot::boot
