// The QEMU command line of a virtual machine, built from its configuration
// and what the BMC decided for this power-on (boot device, firmware, media
// already inserted). A pure function, so the boot-order rules are testable
// without starting QEMU.
#pragma once

#include <string>
#include <vector>

#include "vbmc/machine.h"

namespace ingot::vbmc {

struct QemuNic {
    std::string mac;  // empty: generated at load time (every VM would share QEMU's default otherwise)
    std::string model = "virtio-net-pci";
    // Appended to "-netdev user,id=netN,": slirp options such as
    // "bootfile=http://10.0.2.2:8080/boot.ipxe" or "tftp=/srv/tftp,bootfile=pxelinux.0".
    std::string user_options;
};

struct QemuConfig {
    std::string binary = "qemu-system-x86_64";
    int memory_mib = 256;
    int cpus = 1;
    BootMode firmware = BootMode::Legacy;  // the initial BootSourceOverrideMode; UEFI uses `ovmf`
    std::string ovmf = "/usr/share/ovmf/OVMF.fd";
    std::string disk_path;  // empty: no disk
    std::string disk_format = "raw";
    std::vector<QemuNic> nics;
    // Pass -no-reboot: a guest reboot then powers the machine off.
    bool no_reboot = false;
    // Stop QEMU after this many seconds of running (0: never); a guard for tests.
    int max_runtime_s = 0;
    // GracefulRestart presses the ACPI power button and starts the machine
    // again once the guest has powered off, if it does within this time.
    int graceful_timeout_s = 120;
    int download_timeout_s = 600;
    std::vector<std::string> extra_args;
};

// One power-on.
struct QemuLaunch {
    std::string name;
    std::string uuid;
    BootTarget boot = BootTarget::None;
    BootMode mode = BootMode::Legacy;
    std::string cd_file;  // local image to insert at start, or empty
    std::string floppy_file;
    bool floppy_read_only = true;
    std::string qmp_socket;
    std::string console_log;
};

// QMP ids of the removable drives' devices (for blockdev-change-medium/eject).
const char* qemu_media_device(MediaSlot slot);

std::vector<std::string> qemu_argv(const QemuConfig& config, const QemuLaunch& launch);

}  // namespace ingot::vbmc
