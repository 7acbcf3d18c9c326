#include "boot/dhcp_entries.h"

#include "boot/boot_files.h"

namespace ingot::boot {
namespace {

std::string node_tag(const std::string& node_uuid) { return "ingot-" + node_uuid; }

}  // namespace

void write_dhcp_entries(const BootSettings& settings, const std::string& node_uuid,
                        const std::vector<std::string>& macs, const DhcpBootOptions& options) {
    if (settings.dhcp_hostsdir.empty() || settings.dhcp_optsdir.empty()) return;
    const std::string tag = node_tag(node_uuid);
    // Options first: a host entry that exists without them would boot
    // whatever dnsmasq's defaults say.
    std::string opts;
    if (options.ipxe_script.empty()) {
        opts += "tag:" + tag + ",option:bootfile-name," + options.firmware_file + "\n";
    } else {
        // The PXE ROM gets iPXE over TFTP; iPXE (user class "iPXE", tagged
        // by the documented dhcp-userclass line) gets the script.
        opts += "tag:" + tag + ",tag:!ipxe,option:bootfile-name," + options.firmware_file + "\n";
        opts += "tag:" + tag + ",tag:ipxe,option:bootfile-name," + options.ipxe_script + "\n";
    }
    write_file_atomically(settings.dhcp_optsdir + "/" + tag, opts);
    for (const auto& mac : macs)
        write_file_atomically(settings.dhcp_hostsdir + "/" + mac_with_hyphens(mac), mac + ",set:" + tag + "\n");
}

void remove_dhcp_entries(const BootSettings& settings, const std::string& node_uuid,
                         const std::vector<std::string>& macs) {
    if (settings.dhcp_hostsdir.empty() || settings.dhcp_optsdir.empty()) return;
    for (const auto& mac : macs) remove_path(settings.dhcp_hostsdir + "/" + mac_with_hyphens(mac));
    remove_path(settings.dhcp_optsdir + "/" + node_tag(node_uuid));
}

}  // namespace ingot::boot
