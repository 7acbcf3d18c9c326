// `ipxe`: iPXE loads everything over HTTP from HTTP_ROOT (served by the
// conductor at /boot/ unless [deploy] http_url names another server).
// iPXE is chainloaded from PXE (undionly.kpxe / snponly.efi over TFTP,
// dnsmasq's firmware options) or is the NIC's own ROM; it runs
// HTTP_ROOT/boot.ipxe, which chains to HTTP_ROOT/pxelinux.cfg/<mac with
// hyphens>, the node's script. Kernel and ramdisk: HTTP_ROOT/<node uuid>/.
#pragma once

#include "boot/network_boot.h"

namespace ingot::boot {

class IpxeBoot : public NetworkBoot {
public:
    using NetworkBoot::NetworkBoot;

protected:
    const std::string& root() const override { return settings_.http_root; }
    std::string loader_path(const std::string& node_uuid, const std::string& file) const override;
    std::string mac_config(const interfaces::Task& task, const BootEntry& entry) const override;
    void write_mac_config(const interfaces::Task& task, const std::string& mac, const std::string& text) override;
    void remove_mac_config(const std::string& mac) override;
    DhcpBootOptions dhcp_options(const interfaces::Task& task) const override;
};

// Writes HTTP_ROOT/boot.ipxe (at start-up and before each use, so an
// operator who wiped the root is not left with machines that cannot boot).
void write_ipxe_chain_script(const BootSettings& settings);

}  // namespace ingot::boot
