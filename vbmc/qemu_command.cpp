#include "vbmc/qemu_command.h"

#include <algorithm>

namespace ingot::vbmc {
namespace {

// QEMU option values end at a comma; a literal comma is written twice.
std::string escape(const std::string& value) {
    std::string out;
    for (char c : value) {
        out += c;
        if (c == ',') out += ',';
    }
    return out;
}

}  // namespace

const char* qemu_media_device(MediaSlot slot) {
    return slot == MediaSlot::Cd ? "vbmc-cd" : "vbmc-floppy";
}

std::vector<std::string> qemu_argv(const QemuConfig& config, const QemuLaunch& launch) {
    std::vector<std::string> a = {
        config.binary,
        // KVM is unusable on our hosts (see notes): TCG always.
        "-accel", "tcg", "-name", launch.name, "-uuid", launch.uuid, "-m", std::to_string(config.memory_mib), "-smp",
        std::to_string(config.cpus), "-nographic", "-nodefaults", "-no-user-config", "-qmp",
        "unix:" + escape(launch.qmp_socket) + ",server=on,wait=off",
        // append=on: every power-on adds to one console file, so the
        // machine's whole life (the ramdisk, then the instance) is there.
        "-chardev", "file,id=console0,append=on,path=" + escape(launch.console_log), "-serial", "chardev:console0"};
    if (launch.mode == BootMode::UEFI) a.insert(a.end(), {"-bios", config.ovmf});
    if (config.no_reboot) a.push_back("-no-reboot");

    // Boot order by bootindex, which both SeaBIOS and OVMF honour (OVMF
    // ignores -boot order). Without an override: disk, CD, network, like a
    // machine whose empty disk falls through to PXE.
    std::vector<BootTarget> order = {BootTarget::Hdd, BootTarget::Cd, BootTarget::Pxe};
    if (auto it = std::find(order.begin(), order.end(), launch.boot); it != order.end())
        std::rotate(order.begin(), it, it + 1);
    // The floppy device has no bootindex: booting from it needs -boot order
    // and no bootindex anywhere (SeaBIOS only).
    const bool floppy_boot = launch.boot == BootTarget::Floppy;
    if (floppy_boot) a.insert(a.end(), {"-boot", "order=acdn"});
    auto bootindex = [&](BootTarget t) -> std::string {
        if (floppy_boot) return "";
        int i = static_cast<int>(std::find(order.begin(), order.end(), t) - order.begin()) + 1;
        return ",bootindex=" + std::to_string(i);
    };

    if (!config.disk_path.empty()) {
        a.insert(a.end(),
                 {"-drive", "file=" + escape(config.disk_path) + ",if=none,id=disk0,format=" + config.disk_format,
                  "-device", "virtio-blk-pci,drive=disk0" + bootindex(BootTarget::Hdd)});
    }
    std::string cd = "if=none,id=cd0,media=cdrom,readonly=on";
    if (!launch.cd_file.empty()) cd += ",format=raw,file=" + escape(launch.cd_file);
    a.insert(a.end(),
             {"-drive", cd, "-device",
              std::string("ide-cd,drive=cd0,id=") + qemu_media_device(MediaSlot::Cd) + bootindex(BootTarget::Cd)});
    std::string fd = "if=none,id=fd0";
    if (!launch.floppy_file.empty())
        fd += ",format=raw,file=" + escape(launch.floppy_file) + (launch.floppy_read_only ? ",readonly=on" : "");
    a.insert(a.end(),
             {"-drive", fd, "-device", std::string("floppy,drive=fd0,id=") + qemu_media_device(MediaSlot::Floppy)});

    for (size_t i = 0; i < config.nics.size(); ++i) {
        const auto& nic = config.nics[i];
        const std::string id = "net" + std::to_string(i);
        a.insert(a.end(), {"-netdev", "user,id=" + id + (nic.user_options.empty() ? "" : "," + nic.user_options)});
        // Only the first NIC is a PXE boot device.
        a.insert(a.end(), {"-device", nic.model + ",netdev=" + id + ",mac=" + nic.mac +
                                          (i == 0 ? bootindex(BootTarget::Pxe) : "")});
    }
    a.insert(a.end(), config.extra_args.begin(), config.extra_args.end());
    return a;
}

}  // namespace ingot::vbmc
