// The CA a ramdisk must trust to verify the conductor's API over https
// ([agent] api_ca_file), handed over the way boot loaders hand over the
// ramdisk itself: as a second initrd. It is a small newc cpio archive (the
// format of initramfs) holding the CA at kApiCaInRamdisk; iPXE, pxelinux
// and GRUB load several initrds one after the other and the kernel unpacks
// each over the last, so the agent's ramdisk needs no rebuild when the CA
// changes (Ironic injects the same file into its virtual media ISOs only).
#pragma once

#include <string>

namespace ingot::boot {

// Where the archive puts the CA; ingot-agent looks there (and at
// ipa-api-ca= on its kernel command line).
inline constexpr const char* kApiCaInRamdisk = "/etc/ingot/api-ca.pem";

// The archive's bytes: directories etc and etc/ingot, the CA file (0644,
// owned by root, time 0 so the same CA always makes the same bytes) and the
// trailer, gzip-compressed. Compressed on purpose: the kernel takes a plain
// archive after a compressed ramdisk only where it starts 4-byte aligned,
// and UEFI's kernel stub (iPXE on UEFI) puts the initrds end to end without
// padding; a compressed archive may start anywhere.
std::string ca_initrd(const std::string& ca_pem);

// ca_initrd() of the PEM file at `ca_file`; throws Error naming the file
// when it cannot be read or holds no PEM certificate.
std::string ca_initrd_of_file(const std::string& ca_file);

}  // namespace ingot::boot
