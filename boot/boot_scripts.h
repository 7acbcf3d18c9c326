// The text of the boot configurations machines read: iPXE scripts,
// pxelinux configs and GRUB configs. Pure functions: what to boot in,
// script out. Every value goes through boot_quoting.h; a value that a
// format cannot carry, or a command line the kernel would cut, throws
// InvalidParameter before any text exists.
#pragma once

#include <string>
#include <vector>

#include "boot/kernel_cmdline.h"

namespace ingot::boot {

// What a configuration boots: kernel and initrd as the loader finds them
// (URLs for iPXE, paths in the TFTP root for pxelinux and GRUB).
struct BootEntry {
    std::string label;  // "deploy" or "instance"
    std::string kernel;
    std::string initrd;
    std::vector<KernelArg> args;
    std::string what;  // names the machine in errors: "node <uuid>"
    // Loaded after `initrd`, in order (the API's CA: ca_initrd.h).
    std::vector<std::string> extra_initrds;
};

// http_root/boot.ipxe: iPXE started from DHCP runs this and chains to the
// script of the MAC it booted from; without one it exits, so the firmware
// goes on to its next boot device (a deployed disk).
std::string ipxe_chain_script();

// The per-MAC iPXE script; retries downloads a few times, as a busy
// conductor may be slow to answer.
std::string ipxe_boot_script(const BootEntry& entry);

// pxelinux.cfg/01-<mac> for BIOS PXE.
std::string pxelinux_config(const BootEntry& entry);

// grub.cfg-01-<mac> for UEFI PXE with GRUB (paths from the TFTP root).
std::string grub_config(const BootEntry& entry);

}  // namespace ingot::boot
