// Which devices the running system uses (ramdisk-agent/service/
// busy_devices.h, block_topology.h): from canned kernel tables and a sysfs
// tree the test builds, so every case (a chroot that hides the root mount,
// a container that sees none of the host's mounts, an overlay root, LVM on
// the root disk) is reproduced without touching a device. The real
// machine's case is AgentDiskSafety.TheRunningSystemsDiskIsNeverATarget,
// and inside a chroot the integration test AgentDiskSafetyChroot.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ramdisk-agent/service/busy_devices.h"
#include "ramdisk-agent/service/disk_safety.h"
#include "tests/support/conductor_process.h"

using namespace ingot::agent::service;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

AgentError error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const AgentError& e) {
        return e;
    }
    ADD_FAILURE() << "no AgentError thrown";
    return AgentError("none", 0, "", "");
}

// sda: sda1 (/boot), sda2 (PV of vg-root = dm-1, and of nothing else);
// sdb: sdb3 swap; nvme0n1p3: btrfs; vg-srv (dm-0) spans sdc1 and sdd1;
// vda: a virtual disk holding a whole filesystem.
BlockTopology canned_topology() {
    BlockTopology t;
    t.below = [](const std::string& key) -> std::vector<std::string> {
        if (key == "8:1" || key == "/dev/sda1" || key == "sda1") return {"sda1", "sda"};
        if (key == "8:2" || key == "/dev/sda2" || key == "sda2") return {"sda2", "sda"};
        if (key == "253:1" || key == "/dev/mapper/vg-root" || key == "dm-1") return {"dm-1", "sda2", "sda"};
        if (key == "/dev/nvme0n1p3" || key == "nvme0n1p3") return {"nvme0n1p3", "nvme0n1"};
        if (key == "253:0" || key == "/dev/mapper/vg-srv" || key == "dm-0")
            return {"dm-0", "sdc1", "sdc", "sdd1", "sdd"};
        if (key == "/dev/sdb3" || key == "sdb3") return {"sdb3", "sdb"};
        if (key == "254:0" || key == "/dev/vda" || key == "vda") return {"vda"};
        return {};
    };
    t.above = [](const std::string& name) -> std::vector<std::string> {
        if (name == "sda") return {"sda1", "sda2", "dm-1"};
        if (name == "sda2") return {"dm-1"};
        return {};
    };
    return t;
}

const char* kSwaps =
    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
    "/dev/sdb3                               partition\t8388604\t\t0\t\t-2\n"
    "/swapfile                               file\t\t1048572\t\t0\t\t-3\n";

}  // namespace

TEST(AgentDiskSafety, BusyDevicesFromTheKernelTables) {
    SystemUsage usage;
    usage.root_device = "0:25";  // an overlay: no block device of its own
    usage.mountinfo =
        "26 1 0:25 / / rw,relatime - overlay overlay rw,lowerdir=/x\n"
        "27 26 8:1 / /boot rw - ext4 /dev/sda1 rw\n"
        "28 26 0:40 /@home /home rw - btrfs /dev/nvme0n1p3 rw\n"
        "29 26 253:0 / /srv\\040data rw - xfs /dev/mapper/vg-srv rw\n"
        "30 26 0:5 / /dev rw - devtmpfs devtmpfs rw\n";
    usage.swaps = kSwaps;
    BusyDevices busy = find_busy_devices(usage, canned_topology());
    EXPECT_TRUE(contains(busy["sda"], "/boot")) << busy["sda"];
    EXPECT_TRUE(contains(busy["nvme0n1"], "/home")) << "btrfs: an anonymous device number, found by its source";
    EXPECT_TRUE(contains(busy["sdd"], "/srv data")) << "LVM over two disks: both";
    EXPECT_TRUE(contains(busy["sdb"], "swap")) << busy["sdb"];
    EXPECT_EQ(busy.count("sde"), 0u);
    // The LV on the /boot disk's other partition is as busy as the disk.
    EXPECT_TRUE(contains(busy["dm-1"], "built on sda")) << busy["dm-1"];

    // A root filesystem on a disk is reported as the running system's.
    usage = {};
    usage.mountinfo = "26 1 8:1 / / rw - ext4 /dev/sda1 rw\n";
    busy = find_busy_devices(usage, canned_topology());
    EXPECT_TRUE(contains(busy["sda"], "running system")) << busy["sda"];
    // check_target refuses what is busy.
    AgentError e = error_of([&] { check_target("/dev/sda", "sda", {}, {.allow_disk_writes = true}, busy); });
    EXPECT_TRUE(contains(e.details(), "/dev/sda")) << e.details();
}

TEST(AgentDiskSafety, AChrootsRootIsFoundByItsDeviceNumber) {
    // Inside a chroot on the host's disk, mountinfo shows only what is
    // mounted under the chroot; the mount holding "/" is not there. The
    // device number of "/" still is.
    SystemUsage usage;
    usage.root_device = "253:1";
    usage.mountinfo =
        "40 39 0:20 / /proc rw,relatime - proc proc rw\n"
        "41 39 0:21 / /sys ro,relatime - sysfs sysfs rw\n"
        "42 39 0:6 / /dev ro,relatime - devtmpfs devtmpfs rw\n";
    BusyDevices busy = find_busy_devices(usage, canned_topology());
    // Root on an LV: the LV, its PV, its disk, and the disk's other partitions.
    for (const char* name : {"dm-1", "sda2", "sda", "sda1"})
        EXPECT_TRUE(contains(busy[name], "running system") || contains(busy[name], "built on")) << name;
    EXPECT_TRUE(contains(busy["sda"], "/ (the running system) is on dm-1 (device 253:1)")) << busy["sda"];
    EXPECT_EQ(busy.count("sdc"), 0u);

    // Without it (the old way: mount tables only) the disk looked free.
    usage.root_device.clear();
    EXPECT_EQ(find_busy_devices(usage, canned_topology()).count("sda"), 0u);
}

TEST(AgentDiskSafety, ARootOnABlockDeviceSysfsDoesNotKnowRefusesEverything) {
    SystemUsage usage;
    usage.root_device = "259:7";
    AgentError e = error_of([&] { find_busy_devices(usage, canned_topology()); });
    EXPECT_EQ(e.type(), "ProtectedDeviceError");
    EXPECT_TRUE(contains(e.details(), "259:7")) << e.details();
}

TEST(AgentDiskSafety, ARootWithoutABlockDeviceStillProtectsEveryMountedDevice) {
    // tmpfs, overlay, 9p, virtiofs roots (major 0): no disk holds "/", and
    // nothing fails; what is mounted or swapped stays protected.
    for (const char* root : {"0:1", "0:25", ""}) {
        SystemUsage usage;
        usage.root_device = root;
        usage.mountinfo = std::string("26 1 ") + (*root ? root : "0:30") +
                          " / / rw - virtiofs rootfs rw\n"
                          "27 26 8:1 / /boot rw - ext4 /dev/sda1 rw\n";
        usage.swaps = kSwaps;
        BusyDevices busy;
        ASSERT_NO_THROW(busy = find_busy_devices(usage, canned_topology())) << root;
        EXPECT_TRUE(contains(busy["sda"], "/boot")) << root;
        EXPECT_TRUE(contains(busy["sdb"], "swap")) << root;
        EXPECT_EQ(busy.count("sdc"), 0u) << root;
    }
}

TEST(AgentDiskSafety, FilesystemsMountedInAnotherNamespaceAreFoundInSysFs) {
    // A container sees none of the host's mounts, but /sys/fs/ext4/vda and
    // /sys/fs/btrfs/<fsid>/devices/nvme0n1p3 are the kernel's, not the
    // namespace's.
    SystemUsage usage;
    usage.root_device = "0:50";
    usage.mountinfo = "50 49 0:50 / / rw - overlay overlay rw\n";
    usage.mounted_filesystems = {{"vda", "ext4"}, {"nvme0n1p3", "btrfs"}};
    BusyDevices busy = find_busy_devices(usage, canned_topology());
    EXPECT_TRUE(contains(busy["vda"], "mounted ext4 filesystem")) << busy["vda"];
    EXPECT_TRUE(contains(busy["nvme0n1"], "btrfs")) << busy["nvme0n1"];
    EXPECT_EQ(busy.count("sdc"), 0u);
}

namespace {

// A sysfs tree as the kernel lays it out: devices/.../block/<disk>/<part>,
// and the class/block and dev/block symlinks to them.
class FakeSys {
public:
    std::string disk(const std::string& name, const std::string& number) {
        const fs::path dir = root() / "devices/virtual/block" / name;
        fs::create_directories(dir / "holders");
        fs::create_directories(dir / "slaves");
        link(dir, name, number);
        return dir.string();
    }
    std::string partition(const std::string& disk, const std::string& name, const std::string& number) {
        const fs::path dir = root() / "devices/virtual/block" / disk / name;
        fs::create_directories(dir / "holders");
        std::ofstream(dir / "partition") << "1\n";
        link(dir, name, number);
        return dir.string();
    }
    // `upper` (a device-mapper device) stands on `lower`.
    void stack(const std::string& upper, const std::string& lower) {
        const fs::path upper_dir = fs::canonical(root() / "class/block" / upper);
        const fs::path lower_dir = fs::canonical(root() / "class/block" / lower);
        fs::create_directory_symlink(lower_dir, upper_dir / "slaves" / lower);
        fs::create_directory_symlink(upper_dir, lower_dir / "holders" / upper);
    }
    void dm_name(const std::string& name, const std::string& dm) {
        fs::create_directories(root() / "devices/virtual/block" / name / "dm");
        std::ofstream(root() / "devices/virtual/block" / name / "dm/name") << dm << "\n";
    }
    fs::path root() const { return dir_.path() + "/sys"; }

private:
    void link(const fs::path& dir, const std::string& name, const std::string& number) {
        fs::create_directories(root() / "class/block");
        fs::create_directories(root() / "dev/block");
        fs::create_directory_symlink(dir, root() / "class/block" / name);
        fs::create_directory_symlink(dir, root() / "dev/block" / number);
    }
    ingot::test::TempDir dir_;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST(AgentDiskSafety, SysfsTopologyWalksPartitionsMembersAndHolders) {
    FakeSys sys;
    sys.disk("vdx", "254:0");
    sys.partition("vdx", "vdx1", "254:1");
    sys.partition("vdx", "vdx2", "254:2");
    sys.disk("vdy", "254:16");
    sys.partition("vdy", "vdy1", "254:17");
    sys.disk("dm-0", "253:0");  // vg-root over vdx2 and vdy1
    sys.dm_name("dm-0", "vg-root");
    sys.stack("dm-0", "vdx2");
    sys.stack("dm-0", "vdy1");
    sys.disk("vdz", "254:32");

    const BlockTopology t = sysfs_topology(sys.root().string());
    EXPECT_EQ(t.below("254:1"), (std::vector<std::string>{"vdx1", "vdx"}));
    EXPECT_EQ(sorted(t.below("253:0")), sorted({"dm-0", "vdx2", "vdx", "vdy1", "vdy"}));
    // No such /dev entry on this machine: found by its device-mapper name,
    // as in a chroot without /dev.
    EXPECT_EQ(sorted(t.below("/dev/mapper/vg-root")), sorted({"dm-0", "vdx2", "vdx", "vdy1", "vdy"}));
    EXPECT_EQ(t.below("/dev/vdx2").front(), "vdx2");
    EXPECT_TRUE(t.below("9:9").empty());
    EXPECT_TRUE(t.below("/dev/../etc/passwd").empty());
    EXPECT_EQ(sorted(t.above("vdx")), sorted({"vdx1", "vdx2", "dm-0"}));
    EXPECT_TRUE(t.above("vdz").empty());

    // Root on the LV: both disks under it are busy, and the other partition
    // of the first one.
    SystemUsage usage;
    usage.root_device = "253:0";
    BusyDevices busy = find_busy_devices(usage, t);
    for (const char* name : {"dm-0", "vdx", "vdx1", "vdx2", "vdy", "vdy1"}) EXPECT_EQ(busy.count(name), 1u) << name;
    EXPECT_EQ(busy.count("vdz"), 0u);
}

TEST(AgentDiskSafety, WithoutSysfsNothingIsWritten) {
    ingot::test::TempDir empty;
    AgentError e = error_of([&] { read_system_usage(empty.path() + "/sys"); });
    EXPECT_EQ(e.type(), "ProtectedDeviceError");
    EXPECT_TRUE(contains(e.details(), "/sys mounted")) << e.details();
}
