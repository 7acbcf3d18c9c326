#include "boot/boot_scripts.h"

#include "boot/boot_quoting.h"

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
    for (const auto& extra : e.extra_initrds) paths += " " + grub_word("/" + extra);
    return paths;
}

std::string ipxe_extra_initrds(const BootEntry& e) {
    std::string lines;
    for (size_t i = 0; i < e.extra_initrds.size(); ++i)
        lines += "initrd --name " + ipxe_extra_name(i) + " " + ipxe_word(e.extra_initrds[i]) + " || goto retry\n";
    return lines;
}

}  // namespace

// The scripts are laid out as the files they make.
// clang-format off

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
    const std::string label = ipxe_word(e.label);
    // initrd=NAME on the kernel line: the UEFI iPXE of Debian 12 needs it
    // for the kernel to find its initramfs (see notes/qemu-and-bmc.md).
    // iPXE hands the kernel the words after the URL joined by blanks.
    const std::string args = ipxe_initrd_args(e) + " " + ipxe_kernel_args(e.args);
    check_command_line_length(args.size(), e.what);
    return "#!ipxe\n"
           "# Written by ingot-conductor: boots the " + label + " kernel.\n"
           "set attempt:int32 0\n"
           ":retry\n"
           "inc attempt\n"
           "iseq ${attempt} 6 && goto failed ||\n"
           "imgfree\n"
           "kernel --name kernel " + ipxe_word(e.kernel) + " " + args + " || goto retry\n"
           "initrd --name initrd " + ipxe_word(e.initrd) + " || goto retry\n" +
           ipxe_extra_initrds(e) +
           "boot || goto retry\n"
           ":failed\n"
           "echo Could not boot the " + label + " kernel from the conductor; rebooting in 30 s\n"
           "sleep 30\n"
           "reboot\n";
}

std::string pxelinux_config(const BootEntry& e) {
    const std::string label = pxelinux_word(e.label), kernel = pxelinux_word(e.kernel);
    std::string initrds = pxelinux_word(e.initrd);  // pxelinux loads a comma-separated list in order
    for (const auto& extra : e.extra_initrds) initrds += "," + pxelinux_word(extra);
    const std::string append = "initrd=" + initrds + " " + pxelinux_append_args(e.args);
    // pxelinux puts BOOT_IMAGE=<kernel> before the APPEND text.
    check_command_line_length(std::string("BOOT_IMAGE= ").size() + kernel.size() + append.size(), e.what);
    return "# Written by ingot-conductor.\n"
           "default " + label + "\n"
           "label " + label + "\n"
           "  kernel " + kernel + "\n"
           "  append " + append + "\n";
}

std::string grub_config(const BootEntry& e) {
    const std::string label = grub_word(e.label);
    check_command_line_length(grub_command_line_bytes("/" + e.kernel, e.args), e.what);
    return "# Written by ingot-conductor.\n"
           "set default=" + label + "\n"
           "set timeout=5\n"
           "menuentry " + label + " --id " + label + " {\n"
           "  linux " + grub_word("/" + e.kernel) + " " + grub_kernel_args(e.args) + "\n"
           "  initrd " + grub_word("/" + e.initrd) + grub_extra_initrds(e) + "\n"
           "}\n";
}

// clang-format on

}  // namespace ingot::boot
