// Plan mode: the exact commands each action would run, in order.
#include <gtest/gtest.h>

#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/render.h"

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
                   "-l", "-J", "-r", "-quiet", "-publisher", "ingot", "-V", "config-2", "/run/ingot/configdrive"},
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
              "#   decode the config drive into /w/configdrive.iso.gz\n"
              "gunzip -f /w/configdrive.iso.gz\n"
              "dd if=/w/configdrive.iso of=/dev/sda3 bs=1M conv=fsync\n"
              "# bootloader\n"
              "mkdir -p /w/root\n"
              "mount /dev/sda4 /w/root\n"
              "grub-install --target=i386-pc --boot-directory=/w/root/boot /dev/sda\n"
              "mount --bind /dev /w/root/dev\n"
              "mount --bind /proc /w/root/proc\n"
              "mount --bind /sys /w/root/sys\n"
              "chroot /w/root grub-mkconfig -o /boot/grub/grub.cfg\n"
              "umount /w/root/sys\n"
              "umount /w/root/proc\n"
              "umount /w/root/dev\n"
              "umount /w/root\n");
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
    EXPECT_EQ(cmds[2], (Command{"sgdisk", "-n", "0:-64M:0", "-c", "0:config-2", "/dev/sda"}));
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
