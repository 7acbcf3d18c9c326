#include "boot/dhcp_entries.h"

#include "boot/boot_files.h"
#include "interfaces/base_interface.h"

namespace ingot::boot {
namespace {

std::string node_tag(const std::string& node_uuid) { return "ingot-" + node_uuid; }

void check_dhcp_field(const std::string& value, const char* what) {
    for (char c : value) {
        if (c == ',' || c == ' ' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw interfaces::InvalidParameter(std::string("The DHCP boot option ") + what + " '" + value +
                                               "' cannot be written for dnsmasq: it has a ',', a blank or a "
                                               "control character.");
    }
}

}  // namespace

void check_dhcp_boot_options(const BootSettings& settings, const DhcpBootOptions& options) {
    if (settings.dhcp_hostsdir.empty() || settings.dhcp_optsdir.empty()) return;
    check_dhcp_field(options.firmware_file, "file name");
    check_dhcp_field(options.ipxe_script, "iPXE script URL");
}

void write_dhcp_entries(const BootSettings& settings, const std::string& node_uuid,
                        const std::vector<std::string>& macs, const DhcpBootOptions& options) {
    if (settings.dhcp_hostsdir.empty() || settings.dhcp_optsdir.empty()) return;
    check_dhcp_boot_options(settings, options);
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
