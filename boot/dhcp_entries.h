// DHCP for network boot through dnsmasq, as Ironic's dnsmasq provider does
// it: Ingot runs no DHCP server; it writes one host file per MAC into
// dnsmasq's dhcp-hostsdir (tagging the MAC with the node) and one options
// file per node into dhcp-optsdir (which file to boot), and dnsmasq picks
// both up without a restart. README "Network boot and DHCP" has the
// dnsmasq configuration that goes with it.
#pragma once

#include <string>
#include <vector>

#include "boot/boot_settings.h"

namespace ingot::boot {

struct DhcpBootOptions {
    std::string firmware_file;  // TFTP file for a PXE ROM (pxelinux.0, undionly.kpxe, ...)
    std::string ipxe_script;    // URL for iPXE (DHCP user class "iPXE"); empty for pxelinux/GRUB
};

// Throws InvalidParameter when DHCP entries are written (dhcp_hostsdir and
// dhcp_optsdir set) and a value cannot be one field of a dnsmasq option
// line (a ',' starts another field, a blank or control character ends it).
void check_dhcp_boot_options(const BootSettings& settings, const DhcpBootOptions& options);

// Does nothing when [dnsmasq] dhcp_hostsdir/dhcp_optsdir are not set.
// Checks the options first (check_dhcp_boot_options).
void write_dhcp_entries(const BootSettings& settings, const std::string& node_uuid,
                        const std::vector<std::string>& macs, const DhcpBootOptions& options);
void remove_dhcp_entries(const BootSettings& settings, const std::string& node_uuid,
                         const std::vector<std::string>& macs);

}  // namespace ingot::boot
