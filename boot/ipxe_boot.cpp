#include "boot/ipxe_boot.h"

#include "interfaces/boot_mode.h"

namespace ingot::boot {
namespace {

std::string script_path(const std::string& root, const std::string& mac) {
    // iPXE's ${mac:hexhyp}: no "01-" prefix, unlike pxelinux.
    return root + "/pxelinux.cfg/" + mac_with_hyphens(mac);
}

}  // namespace

void write_ipxe_chain_script(const BootSettings& settings) {
    write_file_atomically(settings.http_root + "/boot.ipxe", ipxe_chain_script());
}

std::string IpxeBoot::loader_path(const std::string& node_uuid, const std::string& file) const {
    return settings_.http_url + "/" + node_uuid + "/" + file;
}

std::string IpxeBoot::mac_config(const interfaces::Task&, const BootEntry& entry) const {
    return ipxe_boot_script(entry);
}

void IpxeBoot::write_mac_config(const interfaces::Task&, const std::string& mac, const std::string& text) {
    write_ipxe_chain_script(settings_);
    write_file_atomically(script_path(root(), mac), text);
}

void IpxeBoot::remove_mac_config(const std::string& mac) {
    remove_path(script_path(root(), mac));
}

DhcpBootOptions IpxeBoot::dhcp_options(const interfaces::Task& task) const {
    const bool uefi = interfaces::boot_mode(task) == interfaces::kBootModeUefi;
    return {uefi ? settings_.uefi_ipxe_bootfile : settings_.ipxe_bootfile, settings_.http_url + "/boot.ipxe"};
}

}  // namespace ingot::boot
