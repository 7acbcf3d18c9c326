// Plan mode: the exact commands each action would run, in order.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/block_devices.h"
#include "ramdisk-agent/plan/execute.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/render.h"
#include "tests/support/conductor_process.h"

using namespace ingot::agent::plan;
using nlohmann::json;

namespace {

DeployPlan native(const json& doc, std::vector<std::pair<std::string, std::uint64_t>> devices) {
    DeployPlan plan = input_drivers().create("native")->parse(doc);
    for (size_t i = 0; i < devices.size(); ++i) {
        plan.disks[i].device = devices[i].first;
        plan.disks[i].size_mib = devices[i].second;
    }
    prepare_plan(plan);
    return plan;
}

std::vector<Command> partitioning(const DeployPlan& plan) {
    return actions().create("partitioning")->commands(plan);
}

}  // namespace

TEST(AgentPlanRender, GptWithEspRootSwapAndConfigDrive) {
    auto plan = native(json::parse(R"({
      "disks": [{"partitions": [
        {"name": "esp", "size": "100MiB", "flags": ["esp"]},
        {"name": "root", "size": "remaining"},
        {"name": "swap", "size": "10%"}]}],
      "filesystems": [{"device": "esp", "type": "vfat", "label": "ESP"},
                      {"device": "root", "type": "ext4", "label": "root"},
                      {"device": "swap", "type": "swap", "label": "swap"}],
      "configdrive": {"meta_data": {"uuid": "u"}},
      "work_dir": "/run/ingot"})"),
                       {{"/dev/loop7", 1026}});
    std::vector<Command> want = {
        {"wipefs", "-a", "/dev/loop7"},
        {"sgdisk", "-o", "/dev/loop7"},
        {"sgdisk", "-n", "1:0:+100M", "-t", "1:EF00", "-c", "1:esp", "/dev/loop7"},
        {"sgdisk", "-n", "2:0:+758M", "-t", "2:8300", "-c", "2:root", "/dev/loop7"},
        {"sgdisk", "-n", "3:0:+102M", "-t", "3:8200", "-c", "3:swap", "/dev/loop7"},
        {"sgdisk", "-n", "4:0:+64M", "-t", "4:8300", "-c", "4:config-2", "/dev/loop7"},
        {"partprobe", "/dev/loop7"},
        {"udevadm", "settle"},
        {"wipefs", "-a", "/dev/loop7p1"},
        {"wipefs", "-a", "/dev/loop7p2"},
        {"wipefs", "-a", "/dev/loop7p3"},
        {"wipefs", "-a", "/dev/loop7p4"},
        {"mkfs.vfat", "-n", "ESP", "/dev/loop7p1"},
        {"mkfs.ext4", "-F", "-q", "-L", "root", "/dev/loop7p2"},
        {"mkswap", "-L", "swap", "/dev/loop7p3"},
    };
    EXPECT_EQ(partitioning(plan), want);
    EXPECT_EQ(actions().create("configdrive")->commands(plan),
              (std::vector<Command>{
                  {"genisoimage", "-o", "/run/ingot/configdrive.iso", "-ldots", "-allow-lowercase", "-allow-multidot",
                   "-l", "-publisher", "ingot", "-quiet", "-J", "-r", "-V", "config-2", "/run/ingot/configdrive"},
                  {"dd", "if=/run/ingot/configdrive.iso", "of=/dev/loop7p4", "bs=1M", "conv=fsync"}}));
}

TEST(AgentPlanRender, MsdosUsesPartedWithFlags) {
    auto plan = native(json::parse(R"({
      "disks": [{"label": "msdos", "partitions": [
        {"name": "boot", "size": 256, "flags": ["boot"]},
        {"name": "swap", "size": "128MiB"},
        {"name": "data", "size": "remaining", "flags": ["lvm"]}]}],
      "filesystems": [{"device": "boot", "type": "ext4"}, {"device": "swap", "type": "swap"}]})"),
                       {{"/dev/sdb", 2048}});
    std::vector<Command> want = {
        {"wipefs", "-a", "/dev/sdb"},
        {"parted", "-s", "/dev/sdb", "mklabel", "msdos"},
        {"parted", "-s", "-a", "optimal", "/dev/sdb", "unit", "MiB", "mkpart", "primary", "ext4", "1", "257"},
        {"parted", "-s", "/dev/sdb", "set", "1", "boot", "on"},
        {"parted", "-s", "-a", "optimal", "/dev/sdb", "unit", "MiB", "mkpart", "primary", "linux-swap", "257", "385"},
        {"parted", "-s", "-a", "optimal", "/dev/sdb", "unit", "MiB", "mkpart", "primary", "385", "100%"},
        {"parted", "-s", "/dev/sdb", "set", "3", "lvm", "on"},
        {"partprobe", "/dev/sdb"},
        {"udevadm", "settle"},
        {"wipefs", "-a", "/dev/sdb1"},
        {"wipefs", "-a", "/dev/sdb2"},
        {"wipefs", "-a", "/dev/sdb3"},
        {"mkfs.ext4", "-F", "-q", "/dev/sdb1"},
        {"mkswap", "/dev/sdb2"},
    };
    EXPECT_EQ(partitioning(plan), want);
}

TEST(AgentPlanRender, LvmOnRaidAcrossTwoDisks) {
    auto plan = native(json::parse(R"({
      "disks": [{"id": "a", "partitions": [{"name": "a1", "size": "remaining", "flags": ["raid"]}]},
                {"id": "b", "partitions": [{"name": "b1", "size": "remaining", "flags": ["raid"]}]}],
      "raid": [{"name": "md-root", "level": 1, "members": ["a1", "b1"]}],
      "lvm": {"vgs": [{"name": "vg0", "pvs": ["md-root"]}],
              "lvs": [{"name": "var", "vg": "vg0", "size": "25%"}, {"name": "root", "vg": "vg0", "size": "remaining"}]},
      "filesystems": [{"device": "vg0/root", "type": "xfs", "label": "root"}]})"),
                       {{"/dev/sda", 512}, {"/dev/nvme1n1", 512}});
    auto cmds = partitioning(plan);
    std::vector<Command> tail(cmds.end() - 7, cmds.end());
    std::vector<Command> want = {
        {"mdadm", "--create", "/dev/md/md-root", "--run", "--metadata=1.2", "--level=1", "--raid-devices=2",
         "/dev/sda1", "/dev/nvme1n1p1"},
        {"udevadm", "settle"},
        {"pvcreate", "-ff", "-y", "/dev/md/md-root"},
        {"vgcreate", "vg0", "/dev/md/md-root"},
        {"lvcreate", "-y", "-n", "var", "-l", "25%VG", "vg0"},
        {"lvcreate", "-y", "-n", "root", "-l", "100%FREE", "vg0"},
        {"mkfs.xfs", "-f", "-q", "-L", "root", "/dev/vg0/root"},
    };
    EXPECT_EQ(tail, want);
    EXPECT_EQ(cmds[2], (Command{"sgdisk", "-n", "1:0:0", "-t", "1:FD00", "-c", "1:a1", "/dev/sda"}));
}

TEST(AgentPlanRender, IronicPartitionImageRendersEveryAction) {
    DeployPlan plan = input_drivers().create("ironic")->parse(json::parse(R"({
      "image_info": {"urls": ["http://img/root.img"], "os_hash_algo": "sha256", "os_hash_value": "feed",
                     "image_type": "partition", "root_mb": 1024, "swap_mb": 128, "deploy_boot_mode": "bios",
                     "disk_label": "gpt"},
      "configdrive": "H4sIABarAmsC/6uoIA4AAPBxGsQoAAAA"})"));
    plan.disks[0].device = "/dev/sda";
    plan.disks[0].size_mib = 4096;
    plan.work_dir = "/w";
    EXPECT_EQ(render_plan(plan),
              "# partitioning\n"
              "wipefs -a /dev/sda\n"
              "sgdisk -o /dev/sda\n"
              "sgdisk -n 1:0:+1M -t 1:EF02 -c 1:bios-boot-part /dev/sda\n"
              "sgdisk -n 2:0:+128M -t 2:8200 -c 2:swap1 /dev/sda\n"
              "sgdisk -n 3:0:+64M -t 3:8300 -c 3:config-2 /dev/sda\n"
              "sgdisk -n 4:0:+1024M -t 4:8300 -c 4:root /dev/sda\n"
              "partprobe /dev/sda\n"
              "udevadm settle\n"
              "wipefs -a /dev/sda1\n"
              "wipefs -a /dev/sda2\n"
              "wipefs -a /dev/sda3\n"
              "wipefs -a /dev/sda4\n"
              "mkswap -L swap1 /dev/sda2\n"
              "# image\n"
              "#   write http://img/root.img (raw, sha256 feed) to /dev/sda4\n"
              "# configdrive\n"
              "#   decode the config drive (base64, gzip) into /w/configdrive.iso\n"
              "dd if=/w/configdrive.iso of=/dev/sda3 bs=1M conv=fsync\n"
              "# bootloader\n"
              "#   mount the root filesystem under /w, unmounted afterwards\n"
              "#   then grub.cfg: chroot MNT grub-mkconfig (binding /dev, /proc, /sys) when the image ships it, "
              "else a minimal grub.cfg booting the newest /boot/vmlinuz-*\n"
              "mount /dev/sda4 /w/bootloader.XXXXXX\n"
              "grub-install --target=i386-pc --boot-directory=/w/bootloader.XXXXXX/boot /dev/sda\n"
              "mount --bind /dev /w/bootloader.XXXXXX/dev\n"
              "mount --bind /proc /w/bootloader.XXXXXX/proc\n"
              "mount --bind /sys /w/bootloader.XXXXXX/sys\n"
              "chroot /w/bootloader.XXXXXX /usr/sbin/grub-mkconfig -o /boot/grub/grub.cfg\n"
              "umount /w/bootloader.XXXXXX/sys\n"
              "umount /w/bootloader.XXXXXX/proc\n"
              "umount /w/bootloader.XXXXXX/dev\n"
              "umount /w/bootloader.XXXXXX\n");
}

TEST(AgentPlanRender, WholeDiskConfigDriveGoesAtTheEnd) {
    DeployPlan plan = input_drivers().create("ironic")->parse(
        {{"image_info", {{"urls", {"http://img/d.raw"}}}}, {"configdrive", {{"meta_data", json::object()}}}});
    plan.disks[0].device = "/dev/sda";
    plan.disks[0].size_mib = 4096;
    prepare_plan(plan);
    EXPECT_TRUE(plan.disks[0].partitions.empty());
    EXPECT_TRUE(partitioning(plan).empty());
    auto cmds = actions().create("configdrive")->commands(plan);
    ASSERT_EQ(cmds.size(), 6u);
    EXPECT_EQ(cmds[1], (Command{"sgdisk", "-e", "/dev/sda"})) << "the image's backup GPT moves to the disk's end";
    EXPECT_EQ(cmds[2], (Command{"sgdisk", "-n", "0:-64M:0", "-t", "0:8300", "-c", "0:config-2", "/dev/sda"}));
    EXPECT_EQ(cmds[3], (Command{"partprobe", "/dev/sda"}));
    EXPECT_EQ(cmds[5][0], "dd");
}

TEST(AgentPlanRender, RunStopsAtTheFirstFailure) {
    auto plan = native(json::parse(R"({"disks": [{"partitions": [{"name": "r", "size": "remaining"}]}]})"),
                       {{"/dev/loop9", 64}});
    std::vector<Command> seen;
    CommandRunner fake = [&](const Command& argv) {
        seen.push_back(argv);
        ingot::ProcessResult r;
        r.exit_code = argv[0] == "sgdisk" ? 4 : 0;
        r.err = "boom";
        return r;
    };
    try {
        actions().create("partitioning")->run(plan, fake);
        FAIL();
    } catch (const ingot::Error& e) {
        EXPECT_EQ(std::string(e.what()), "'sgdisk -o /dev/loop9' failed with exit code 4: boom");
    }
    EXPECT_EQ(seen.size(), 2u);
}

TEST(AgentPlanRender, ShellQuoteIsForReadingOnly) {
    EXPECT_EQ(shell_quote("/dev/sda"), "/dev/sda");
    EXPECT_EQ(shell_quote("a b"), "'a b'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote(""), "''");
}

namespace {

// A fake runner for the bootloader action: the first mount "mounts" an
// image tree (made by `populate`) at its target, the last umount of that
// target empties it again, blkid answers a UUID; every command is recorded.
struct FakeMounts {
    std::vector<Command> seen;
    std::string root_mount;
    std::string grub_cfg;  // what was in MNT/boot/grub/grub.cfg at unmount time
    std::function<void(const std::string&)> populate;

    CommandRunner runner() {
        return [this](const Command& argv) {
            seen.push_back(argv);
            ingot::ProcessResult r;
            r.exit_code = 0;
            if (argv[0] == "mount" && argv[1] != "--bind" && root_mount.empty()) {
                root_mount = argv.back();
                populate(root_mount);
            } else if (argv[0] == "umount" && argv.back() == root_mount) {
                std::ifstream f(root_mount + "/boot/grub/grub.cfg");
                std::stringstream text;
                text << f.rdbuf();
                grub_cfg = text.str();
                for (const auto& e : std::filesystem::directory_iterator(root_mount)) std::filesystem::remove_all(e);
            } else if (argv[0] == "blkid") {
                r.out = "ROOT-FS-UUID\n";
            }
            return r;
        };
    }
};

DeployPlan ironic_partition_plan(const std::string& boot_mode, const std::string& work_dir) {
    DeployPlan plan = input_drivers().create("ironic")->parse(json::parse(R"({
      "image_info": {"urls": ["http://img/root.img"], "os_hash_algo": "sha256", "os_hash_value": "feed",
                     "image_type": "partition", "root_mb": 1024, "deploy_boot_mode": ")" +
                                                                          boot_mode + R"("}})"));
    plan.disks[0].device = "/dev/sda";
    plan.disks[0].size_mib = 4096;
    plan.work_dir = work_dir;
    prepare_plan(plan);
    return plan;
}

}  // namespace

TEST(AgentPlanRender, UefiGrubCommandsInPlanMode) {
    DeployPlan plan = ironic_partition_plan("uefi", "/w");
    std::string mnt = "/w/bootloader.XXXXXX";
    auto cmds = actions().create("bootloader")->commands(plan);
    ASSERT_GE(cmds.size(), 3u);
    EXPECT_EQ(cmds[0], (Command{"mount", "/dev/sda2", mnt}));
    EXPECT_EQ(cmds[1], (Command{"mount", "-t", "vfat", "/dev/sda1", mnt + "/boot/efi"}));
    EXPECT_EQ(cmds[2], (Command{"grub-install", "--target=x86_64-efi", "--efi-directory=" + mnt + "/boot/efi",
                                "--boot-directory=" + mnt + "/boot", "--removable", "--no-nvram"}));
    EXPECT_EQ(cmds.back(), (Command{"umount", mnt}));
    for (const auto& c : cmds) EXPECT_NE(c[0], "efibootmgr") << "the agent never writes firmware variables";
}

TEST(AgentPlanRender, UefiGrubRunsRemovableWithMinimalConfigWhenTheImageHasNoGrub) {
    ingot::test::TempDir dir;
    DeployPlan plan = ironic_partition_plan("uefi", dir.path());
    FakeMounts fake;
    fake.populate = [](const std::string& root) {
        std::filesystem::create_directories(root + "/boot");
        std::ofstream(root + "/boot/vmlinuz-6.1.0-9-amd64") << "k";
        std::ofstream(root + "/boot/vmlinuz-6.1.0-10-amd64") << "k";  // newer (version order, not text order)
        std::ofstream(root + "/boot/initrd.img-6.1.0-10-amd64") << "i";
    };
    actions().create("bootloader")->run(plan, fake.runner());

    const std::string& mnt = fake.root_mount;
    ASSERT_EQ(mnt.rfind(dir.path() + "/bootloader.", 0), 0u) << mnt;
    std::vector<Command> want = {
        {"mount", "/dev/sda2", mnt},
        {"mount", "-t", "vfat", "/dev/sda1", mnt + "/boot/efi"},
        {"grub-install", "--target=x86_64-efi", "--efi-directory=" + mnt + "/boot/efi",
         "--boot-directory=" + mnt + "/boot", "--removable", "--no-nvram"},
        {"blkid", "-c", "/dev/null", "-o", "value", "-s", "UUID", "/dev/sda2"},
        {"umount", mnt + "/boot/efi"},
        {"umount", mnt},
    };
    EXPECT_EQ(fake.seen, want);
    EXPECT_EQ(fake.grub_cfg,
              "# Written by ingot-agent: the image ships no grub-mkconfig.\n"
              "set timeout=1\n"
              "set default=0\n"
              "search --no-floppy --fs-uuid --set=root ROOT-FS-UUID\n"
              "menuentry 'Linux (vmlinuz-6.1.0-10-amd64)' {\n"
              "    linux /boot/vmlinuz-6.1.0-10-amd64 root=UUID=ROOT-FS-UUID ro\n"
              "    initrd /boot/initrd.img-6.1.0-10-amd64\n"
              "}\n");
    EXPECT_FALSE(std::filesystem::exists(mnt)) << "the mount point was left behind";
}

TEST(AgentPlanRender, BiosGrubRunsTheImagesGrubMkconfigInAChroot) {
    ingot::test::TempDir dir;
    DeployPlan plan = ironic_partition_plan("bios", dir.path());
    FakeMounts fake;
    fake.populate = [](const std::string& root) {
        std::filesystem::create_directories(root + "/usr/sbin");
        std::ofstream(root + "/usr/sbin/grub-mkconfig") << "#!/bin/sh\n";
        std::filesystem::create_symlink("/usr/sbin", root + "/sbin");  // absolute: never followed
    };
    actions().create("bootloader")->run(plan, fake.runner());
    const std::string& mnt = fake.root_mount;
    std::vector<Command> want = {
        {"mount", "/dev/sda1", mnt},  // msdos: no bios_grub partition, root is the first
        {"grub-install", "--target=i386-pc", "--boot-directory=" + mnt + "/boot", "/dev/sda"},
        {"mount", "--bind", "/dev", mnt + "/dev"},
        {"mount", "--bind", "/proc", mnt + "/proc"},
        {"mount", "--bind", "/sys", mnt + "/sys"},
        {"chroot", mnt, "/usr/sbin/grub-mkconfig", "-o", "/boot/grub/grub.cfg"},
        {"umount", mnt + "/sys"},
        {"umount", mnt + "/proc"},
        {"umount", mnt + "/dev"},
        {"umount", mnt},
    };
    EXPECT_EQ(fake.seen, want);
}

TEST(AgentPlanRender, GrubFailureStillUnmounts) {
    ingot::test::TempDir dir;
    DeployPlan plan = ironic_partition_plan("bios", dir.path());
    FakeMounts fake;
    fake.populate = [](const std::string&) {};
    CommandRunner inner = fake.runner();
    CommandRunner failing = [&](const Command& argv) {
        auto r = inner(argv);
        if (argv[0] == "grub-install") {
            r.exit_code = 1;
            r.err = "grub-install: error: will not proceed with blocklists.";
        }
        return r;
    };
    try {
        actions().create("bootloader")->run(plan, failing);
        FAIL();
    } catch (const ingot::Error& e) {
        EXPECT_NE(std::string(e.what()).find("will not proceed with blocklists"), std::string::npos) << e.what();
    }
    EXPECT_EQ(fake.seen.back(), (Command{"umount", fake.root_mount}));
    EXPECT_FALSE(std::filesystem::exists(fake.root_mount));
}

TEST(AgentPlanRender, UefiGrubNeedsAnEsp) {
    try {
        native(json::parse(R"({
          "disks": [{"partitions": [{"name": "root", "size": "remaining"}]}],
          "filesystems": [{"device": "root", "type": "ext4", "mount_point": "/"}],
          "bootloader": {"type": "grub", "boot_mode": "uefi", "root": "root"}})"),
               {{"/dev/sda", 1024}});
        FAIL();
    } catch (const PlanError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "bootloader: UEFI needs the ESP: a vfat filesystem with mount_point /boot/efi");
    }
}

TEST(AgentPlanRender, ConfigDriveThatIsNotGzipIsRefusedByValidate) {
    DeployPlan plan = input_drivers().create("ironic")->parse(
        {{"image_info", {{"urls", {"http://img/d.raw"}}}}, {"configdrive", "aGVsbG8gd29ybGQ="}});
    plan.disks[0].device = "/dev/sda";
    plan.disks[0].size_mib = 4096;
    try {
        prepare_plan(plan);
        FAIL();
    } catch (const PlanError& e) {
        EXPECT_EQ(std::string(e.what()), "configdrive: is base64 but not a gzip-compressed image: not gzip data");
    }
}

TEST(AgentPlanRender, PartedMachineOutputIsParsed) {
    auto t = parse_parted_machine(
        "BYT;\n/dev/loop0:134217728B:loopback:512:512:msdos:Loopback device:;\n"
        "1:1048576B:53477375B:52428800B:::;\n2:67108864B:134217727B:67108864B:::;\n");
    EXPECT_EQ(t.label, "msdos");
    EXPECT_EQ(t.disk_bytes, 134217728u);
    ASSERT_EQ(t.partitions.size(), 2u);
    EXPECT_EQ(t.partitions[1].number, 2);
    EXPECT_EQ(t.partitions[1].start, 67108864u);
    EXPECT_EQ(t.partitions[1].end, 134217727u);
}

TEST(AgentPlanRender, ExecuteRefusesUnresolvedDisksAndUnknownSkips) {
    DeployPlan plan = input_drivers().create("native")->parse(
        json::parse(R"({"disks": [{"partitions": [{"name": "r", "size": "remaining"}]}]})"));
    CommandRunner never = [](const Command& argv) -> ingot::ProcessResult {
        ADD_FAILURE() << "ran " << argv[0];
        return {};
    };
    try {
        execute_plan(plan, {.runner = never});
        FAIL();
    } catch (const PlanError& e) {
        EXPECT_EQ(std::string(e.what()), "disks[0]: \"disk0\" is not resolved to a device (resolve_disks)");
    }
    plan.disks[0].device = "/dev/loop9";
    plan.disks[0].size_mib = 64;
    try {
        execute_plan(plan, {.runner = never, .skip = {"bootloadr"}});
        FAIL();
    } catch (const PlanError& e) {
        EXPECT_EQ(e.path(), "skip");
        EXPECT_NE(std::string(e.what()).find("\"bootloadr\" is not an action"), std::string::npos) << e.what();
    }
}

TEST(AgentPlanRender, ExecuteRunsTheActionsInOrderAndCollectsUuids) {
    auto plan = native(json::parse(R"({
      "disks": [{"partitions": [{"name": "esp", "size": 64, "flags": ["esp"]}, {"name": "root", "size": "remaining"}]}],
      "filesystems": [{"device": "esp", "type": "vfat", "mount_point": "/boot/efi"},
                      {"device": "root", "type": "ext4", "mount_point": "/"}]})"),
                       {{"/dev/loop9", 256}});
    std::vector<Command> seen;
    CommandRunner fake = [&](const Command& argv) {
        seen.push_back(argv);
        ingot::ProcessResult r;
        r.exit_code = 0;
        if (argv[0] == "blkid") r.out = argv[argv.size() - 2] + "-of-" + argv.back() + "\n";
        return r;
    };
    ExecuteResult result = execute_plan(plan, {.runner = fake, .skip = {"configdrive"}});
    EXPECT_EQ(result.actions_run, (std::vector<std::string>{"partitioning", "image", "bootloader"}));
    EXPECT_EQ(seen.front(), (Command{"wipefs", "-a", "/dev/loop9"}));
    EXPECT_EQ(result.root_uuid, "UUID-of-/dev/loop9p2");
    EXPECT_EQ(result.efi_system_partition_uuid, "UUID-of-/dev/loop9p1");
    EXPECT_EQ(result.partition_uuids.at("root"), "PARTUUID-of-/dev/loop9p2");
    EXPECT_EQ(result.devices.at("esp"), "/dev/loop9p1");
}
