// Where the network and virtual-media boot interfaces put files and how
// machines reach them, from the conductor's configuration ([conductor],
// [deploy], [pxe], [dnsmasq]).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "boot/image_fetch.h"

namespace ingot::boot {

class ImageCache;

struct BootSettings {
    // The conductor's API as a booted ramdisk reaches it (ipa-api-url=).
    std::string api_url;
    // Deploy kernel and ramdisk for nodes whose driver_info names none.
    std::string default_deploy_kernel;
    std::string default_deploy_ramdisk;
    // Served over HTTP at http_url (the conductor serves it at /boot/ of its
    // API unless an external web server is configured).
    std::string http_root;
    std::string http_url;
    std::string tftp_root;
    // Kernel command-line arguments for every ramdisk; a node's
    // driver_info kernel_append_params replaces them.
    std::string kernel_append_params;
    // DHCP firmware files named to dnsmasq (served from tftp_root).
    std::string pxe_bootfile = "pxelinux.0";
    std::string uefi_pxe_bootfile = "bootx64.efi";
    std::string ipxe_bootfile = "undionly.kpxe";
    std::string uefi_ipxe_bootfile = "snponly.efi";
    // dnsmasq's dhcp-hostsdir and dhcp-optsdir; empty: no DHCP entries.
    std::string dhcp_hostsdir;
    std::string dhcp_optsdir;
    // Master copies of kernels, ramdisks and ISOs, shared by every node.
    std::shared_ptr<ImageCache> image_cache;
    // Which local files and URLs may be read (the image cache enforces it
    // at use; validation checks it early).
    FetchPolicy image_sources;
    // [agent] api_ca_file: the CA handed to every ramdisk as a second
    // initrd (ca_initrd.h); empty: none.
    std::string api_ca_file;
};

}  // namespace ingot::boot
