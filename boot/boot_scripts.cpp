#include "boot/boot_scripts.h"

namespace ingot::boot {
namespace {

// iPXE names each extra initrd; UEFI's kernel stub loads the named ones.
std::string ipxe_extra_name(size_t i) {
    return "initrd" + std::to_string(i + 1);
}

std::string ipxe_initrd_args(const BootEntry& e) {
    std::string args = "initrd=initrd";
    for (size_t i = 0; i < e.extra_initrds.size(); ++i) args += " initrd=" + ipxe_extra_name(i);
    return args;
}

std::string grub_extra_initrds(const BootEntry& e) {
    std::string paths;
    for (const auto& extra : e.extra_initrds) paths += " /" + extra;
    return paths;
}

std::string ipxe_extra_initrds(const BootEntry& e) {
    std::string lines;
    for (size_t i = 0; i < e.extra_initrds.size(); ++i)
        lines += "initrd --name " + ipxe_extra_name(i) + " " + e.extra_initrds[i] + " || goto retry\n";
    return lines;
}

}  // namespace

std::string ipxe_chain_script() {
    return "#!ipxe\n"
           "# Written by ingot-conductor. Chains to the script of the NIC this\n"
           "# machine booted from; a node with nothing to boot from the network\n"
           "# has none, and the firmware moves on to its next boot device.\n"
           "chain --autofree pxelinux.cfg/${mac:hexhyp} || goto no_config\n"
           ":no_config\n"
           "echo No Ingot boot script for ${mac}: trying the next boot device\n"
           "exit 1\n";
}

std::string ipxe_boot_script(const BootEntry& e) {
    // initrd=NAME on the kernel line: the UEFI iPXE of Debian 12 needs it
    // for the kernel to find its initramfs (see notes/qemu-and-bmc.md).
    return "#!ipxe\n"
           "# Written by ingot-conductor: boots the " + e.label + " kernel.\n"
           "set attempt:int32 0\n"
           ":retry\n"
           "inc attempt\n"
           "iseq ${attempt} 6 && goto failed ||\n"
           "imgfree\n"
           "kernel --name kernel " + e.kernel + " " + ipxe_initrd_args(e) + " " + e.params + " || goto retry\n"
           "initrd --name initrd " + e.initrd + " || goto retry\n" +
           ipxe_extra_initrds(e) +
           "boot || goto retry\n"
           ":failed\n"
           "echo Could not boot the " + e.label + " kernel from the conductor; rebooting in 30 s\n"
           "sleep 30\n"
           "reboot\n";
}

std::string pxelinux_config(const BootEntry& e) {
    std::string initrds = e.initrd;  // pxelinux loads a comma-separated list in order
    for (const auto& extra : e.extra_initrds) initrds += "," + extra;
    return "# Written by ingot-conductor.\n"
           "default " + e.label + "\n"
           "label " + e.label + "\n"
           "  kernel " + e.kernel + "\n"
           "  append initrd=" + initrds + " " + e.params + "\n";
}

std::string grub_config(const BootEntry& e) {
    return "# Written by ingot-conductor.\n"
           "set default=" + e.label + "\n"
           "set timeout=5\n"
           "menuentry \"" + e.label + "\" --id " + e.label + " {\n"
           "  linux /" + e.kernel + " " + e.params + "\n"
           "  initrd /" + e.initrd + grub_extra_initrds(e) + "\n"
           "}\n";
}

}  // namespace ingot::boot
