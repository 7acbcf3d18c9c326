// ingot-vbmc's machines without the HTTP layer: the in-memory backend's
// power and boot-override rules, and the QEMU command line built for a
// power-on (boot order by bootindex, firmware, media).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/errors.h"
#include "vbmc/memory_machine.h"
#include "vbmc/qemu_command.h"

using namespace ingot;
using namespace ingot::vbmc;

namespace {

MemoryMachine make() {
    return MemoryMachine(MachineInfo{"node-0", "node-0", "uuid", {"52:54:00:00:00:01"}});
}

TEST(VbmcMachine, NamesRoundTrip) {
    for (const auto& name : all_reset_types()) EXPECT_EQ(to_string(*parse_reset_type(name)), name);
    for (const auto& name : all_boot_targets()) EXPECT_EQ(to_string(*parse_boot_target(name)), name);
    EXPECT_FALSE(parse_reset_type("on").has_value());  // Redfish values are case-sensitive
    EXPECT_EQ(parse_media_slot("Floppy"), MediaSlot::Floppy);
    EXPECT_FALSE(parse_boot_mode("Bios").has_value());
}

TEST(VbmcMachine, OnceIsUsedByOneBootOnly) {
    BootOverride b{BootTarget::Pxe, BootEnabled::Once, BootMode::UEFI};
    EXPECT_EQ(take_boot_target(b), BootTarget::Pxe);
    EXPECT_EQ(b.enabled, BootEnabled::Disabled);
    EXPECT_EQ(b.target, BootTarget::Pxe);  // the target stays readable
    EXPECT_EQ(take_boot_target(b), BootTarget::None);
    BootOverride c{BootTarget::Cd, BootEnabled::Continuous};
    EXPECT_EQ(take_boot_target(c), BootTarget::Cd);
    EXPECT_EQ(take_boot_target(c), BootTarget::Cd);
}

TEST(VbmcMachine, MemoryPowerTransitions) {
    auto m = make();
    EXPECT_EQ(m.power_state(), PowerState::Off);
    m.reset(ResetType::ForceOff);  // off stays off
    EXPECT_EQ(m.power_state(), PowerState::Off);
    m.reset(ResetType::PushPowerButton);
    EXPECT_EQ(m.power_state(), PowerState::On);
    m.reset(ResetType::On);  // no second boot
    EXPECT_EQ(m.raw_state()["power_on_count"], 1);
    m.reset(ResetType::Nmi);
    m.reset(ResetType::GracefulShutdown);
    EXPECT_EQ(m.power_state(), PowerState::Off);
    EXPECT_THROW(m.reset(ResetType::Nmi), Conflict);
    m.reset(ResetType::PowerCycle);
    EXPECT_EQ(m.power_state(), PowerState::On);
    EXPECT_EQ(m.raw_state()["power_on_count"], 2);
    EXPECT_EQ(m.raw_state()["last_reset"], "PowerCycle");
}

TEST(VbmcMachine, MemoryMedia) {
    auto m = make();
    m.insert_media(MediaSlot::Floppy, Media{"http://h/config.img", true, false});
    EXPECT_EQ(m.media(MediaSlot::Floppy).image, "http://h/config.img");
    EXPECT_FALSE(m.media(MediaSlot::Floppy).write_protected);
    EXPECT_TRUE(m.media(MediaSlot::Cd).image.empty());
    auto state = m.raw_state();
    EXPECT_EQ(state["media"]["Floppy"]["inserted"], true);
    EXPECT_TRUE(state["media"]["Cd"]["image"].is_null());
    m.eject_media(MediaSlot::Floppy);
    EXPECT_FALSE(m.media(MediaSlot::Floppy).inserted);
}

// --- QEMU command line ---

QemuConfig qemu_config() {
    QemuConfig c;
    c.memory_mib = 128;
    c.disk_path = "/var/lib/vm,1.qcow2";
    c.disk_format = "qcow2";
    c.nics = {QemuNic{"52:54:00:aa:bb:cc", "virtio-net-pci", "bootfile=http://10.0.2.2:8080/boot.ipxe"}};
    return c;
}

QemuLaunch launch(BootTarget boot, BootMode mode = BootMode::Legacy) {
    QemuLaunch l;
    l.name = "vm-0";
    l.uuid = "0b3c7a38-8d0f-4a35-9b35-4c2a8f6f1f11";
    l.boot = boot;
    l.mode = mode;
    l.qmp_socket = "/state/vm-0/qmp.sock";
    l.console_log = "/state/vm-0/console.log";
    return l;
}

// The argument after `flag` whose text contains `needle`.
std::string arg_with(const std::vector<std::string>& argv, const std::string& flag, const std::string& needle) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == flag && argv[i + 1].find(needle) != std::string::npos) return argv[i + 1];
    return "";
}

bool has(const std::vector<std::string>& argv, const std::string& a) {
    return std::find(argv.begin(), argv.end(), a) != argv.end();
}

TEST(VbmcQemuCommand, AlwaysTcgWithQmpAndAnAppendedSerialFile) {
    auto argv = qemu_argv(qemu_config(), launch(BootTarget::None));
    EXPECT_EQ(argv[0], "qemu-system-x86_64");
    EXPECT_EQ(arg_with(argv, "-accel", "tcg"), "tcg");
    EXPECT_EQ(arg_with(argv, "-qmp", "unix:"), "unix:/state/vm-0/qmp.sock,server=on,wait=off");
    EXPECT_EQ(arg_with(argv, "-chardev", "file,"), "file,id=console0,append=on,path=/state/vm-0/console.log");
    EXPECT_EQ(arg_with(argv, "-serial", "chardev:"), "chardev:console0");
    EXPECT_EQ(arg_with(argv, "-uuid", "-"), "0b3c7a38-8d0f-4a35-9b35-4c2a8f6f1f11");
    EXPECT_EQ(arg_with(argv, "-m", "1"), "128");
    EXPECT_TRUE(has(argv, "-nodefaults"));
    EXPECT_FALSE(has(argv, "-bios"));
    EXPECT_FALSE(has(argv, "-no-reboot"));
    // A comma in a path is doubled, or QEMU would split the option there.
    EXPECT_EQ(arg_with(argv, "-drive", "qcow2"), "file=/var/lib/vm,,1.qcow2,if=none,id=disk0,format=qcow2");
    EXPECT_EQ(arg_with(argv, "-netdev", "user"), "user,id=net0,bootfile=http://10.0.2.2:8080/boot.ipxe");
}

TEST(VbmcQemuCommand, BootOrderFollowsTheOverride) {
    auto pxe = qemu_argv(qemu_config(), launch(BootTarget::Pxe));
    EXPECT_EQ(arg_with(pxe, "-device", "virtio-net"), "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc,bootindex=1");
    EXPECT_EQ(arg_with(pxe, "-device", "virtio-blk"), "virtio-blk-pci,drive=disk0,bootindex=2");
    EXPECT_EQ(arg_with(pxe, "-device", "ide-cd"), "ide-cd,drive=cd0,id=vbmc-cd,bootindex=3");

    auto cd = qemu_argv(qemu_config(), launch(BootTarget::Cd));
    EXPECT_EQ(arg_with(cd, "-device", "ide-cd"), "ide-cd,drive=cd0,id=vbmc-cd,bootindex=1");
    EXPECT_EQ(arg_with(cd, "-device", "virtio-blk"), "virtio-blk-pci,drive=disk0,bootindex=2");
    EXPECT_EQ(arg_with(cd, "-device", "virtio-net"), "virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:cc,bootindex=3");

    for (auto target : {BootTarget::Hdd, BootTarget::None, BootTarget::BiosSetup}) {
        auto argv = qemu_argv(qemu_config(), launch(target));
        EXPECT_EQ(arg_with(argv, "-device", "virtio-blk"), "virtio-blk-pci,drive=disk0,bootindex=1");
        EXPECT_EQ(arg_with(argv, "-device", "ide-cd"), "ide-cd,drive=cd0,id=vbmc-cd,bootindex=2");
    }

    auto floppy = qemu_argv(qemu_config(), launch(BootTarget::Floppy));
    EXPECT_EQ(arg_with(floppy, "-boot", "order"), "order=acdn");
    for (const auto& a : floppy) EXPECT_EQ(a.find("bootindex"), std::string::npos) << a;
}

TEST(VbmcQemuCommand, UefiMediaAndExtras) {
    auto config = qemu_config();
    config.no_reboot = true;
    config.extra_args = {"-cpu", "max"};
    auto l = launch(BootTarget::Cd, BootMode::UEFI);
    l.cd_file = "/state/vm-0/media-Cd.img";
    l.floppy_file = "/state/vm-0/media-Floppy.img";
    l.floppy_read_only = false;
    auto argv = qemu_argv(config, l);
    EXPECT_EQ(arg_with(argv, "-bios", "OVMF"), "/usr/share/ovmf/OVMF.fd");
    EXPECT_TRUE(has(argv, "-no-reboot"));
    EXPECT_EQ(arg_with(argv, "-drive", "cd0"),
              "if=none,id=cd0,media=cdrom,readonly=on,format=raw,file=/state/vm-0/media-Cd.img");
    EXPECT_EQ(arg_with(argv, "-drive", "fd0"), "if=none,id=fd0,format=raw,file=/state/vm-0/media-Floppy.img");
    EXPECT_EQ(argv[argv.size() - 2], "-cpu");
    EXPECT_EQ(argv.back(), "max");

    config.disk_path.clear();
    config.nics.clear();
    argv = qemu_argv(config, launch(BootTarget::Pxe));
    EXPECT_EQ(arg_with(argv, "-drive", "disk0"), "");
    EXPECT_EQ(arg_with(argv, "-netdev", "user"), "");
    EXPECT_EQ(arg_with(argv, "-drive", "cd0"), "if=none,id=cd0,media=cdrom,readonly=on");
}

}  // namespace
