#include "boot/pxe_boot.h"

#include "interfaces/boot_mode.h"

namespace ingot::boot {
namespace {

std::string pxelinux_path(const std::string& root, const std::string& mac) {
    return root + "/pxelinux.cfg/01-" + mac_with_hyphens(mac);
}
std::string grub_path(const std::string& root, const std::string& mac) {
    return root + "/grub/grub.cfg-01-" + mac_with_hyphens(mac);
}

}  // namespace

std::string PxeBoot::loader_path(const std::string& node_uuid, const std::string& file) const {
    return node_uuid + "/" + file;  // relative to the TFTP root
}

std::string PxeBoot::mac_config(const interfaces::Task& task, const BootEntry& entry) const {
    return interfaces::boot_mode(task) == interfaces::kBootModeUefi ? grub_config(entry) : pxelinux_config(entry);
}

void PxeBoot::write_mac_config(const interfaces::Task& task, const std::string& mac, const std::string& text) {
    // Only the config of the mode the node boots in, so a stale one of the
    // other mode cannot boot it.
    if (interfaces::boot_mode(task) == interfaces::kBootModeUefi) {
        remove_path(pxelinux_path(root(), mac));
        write_file_atomically(grub_path(root(), mac), text);
    } else {
        remove_path(grub_path(root(), mac));
        write_file_atomically(pxelinux_path(root(), mac), text);
    }
}

void PxeBoot::remove_mac_config(const std::string& mac) {
    remove_path(pxelinux_path(root(), mac));
    remove_path(grub_path(root(), mac));
}

DhcpBootOptions PxeBoot::dhcp_options(const interfaces::Task& task) const {
    const bool uefi = interfaces::boot_mode(task) == interfaces::kBootModeUefi;
    return {uefi ? settings_.uefi_pxe_bootfile : settings_.pxe_bootfile, ""};
}

}  // namespace ingot::boot
