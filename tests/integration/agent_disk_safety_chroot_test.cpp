// Host disk safety from inside a chroot (issue 14): ingot-agent, run in a
// minimal chroot built on the host's root filesystem, must still refuse
// the disk holding the host's "/". There the chroot's /proc/self/mountinfo
// does not show the mount that holds "/", so an agent that trusted mount
// tables alone listed the host's disk as free; it finds it from stat("/")
// through /sys/dev/block instead. Nothing is written: the agent only lists
// the devices (`ingot-agent disks`), and the chroot holds links to the
// agent, lsblk and their libraries, with /proc, /sys and /dev bound
// read-only and unmounted whatever happens.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>

#include "common/strings.h"
#include "tests/support/chroot_dir.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
namespace fs = std::filesystem;

namespace {

// The whole disk under the device `dev` (kernel name), from sysfs; "" when
// it is not a block device.
std::string whole_disk_of(dev_t dev) {
    std::error_code ec;
    const fs::path real =
        fs::canonical("/sys/dev/block/" + std::to_string(major(dev)) + ":" + std::to_string(minor(dev)), ec);
    if (ec) return "";
    return fs::exists(real / "partition") ? real.parent_path().filename().string() : real.filename().string();
}

// A directory on the root filesystem to build the chroot in: the build
// directory if it is there (it usually is), else /var/tmp.
std::string directory_on(dev_t root) {
    for (const std::string& dir : {std::string(INGOT_BUILD_DIR), std::string("/var/tmp")}) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0 && st.st_dev == root) return dir;
    }
    return "";
}

}  // namespace

TEST(AgentDiskSafetyChroot, TheHostsRootDiskIsRefusedFromInsideAChroot) {
    if (::geteuid() != 0) GTEST_SKIP() << "chroot and bind mounts need root";
    struct stat root {};
    ASSERT_EQ(::stat("/", &root), 0);
    if (major(root.st_dev) == 0) GTEST_SKIP() << "/ is not on a block device here (overlay, tmpfs)";
    const std::string disk = whole_disk_of(root.st_dev);
    if (disk.empty()) GTEST_SKIP() << "no /sys/dev/block entry for the root filesystem";
    const std::string parent = directory_on(root.st_dev);
    if (parent.empty()) GTEST_SKIP() << "neither the build directory nor /var/tmp is on the root filesystem";
    const std::string lsblk = test::find_tool("lsblk");
    ASSERT_FALSE(lsblk.empty()) << "lsblk (util-linux) is needed";

    test::ChrootDir chroot(parent);
    const std::string agent = test::ConductorProcess::bin_dir() + "/ingot-agent";
    ASSERT_NO_THROW(chroot.add_program(agent));
    ASSERT_NO_THROW(chroot.add_program(lsblk));
    ASSERT_NO_THROW(chroot.mount_system_dirs());

    // Inside, the mount holding "/" is gone from the mount table: the
    // situation the agent must not be fooled by.
    test::RunResult mounts = chroot.run({lsblk, "--noheadings", "--output", "NAME,MOUNTPOINT", "/dev/" + disk});
    ASSERT_EQ(mounts.exit_code, 0) << mounts.err;
    EXPECT_EQ(mounts.out.find(" /\n"), std::string::npos) << "lsblk in the chroot still sees / mounted:\n"
                                                          << mounts.out;

    test::RunResult r = chroot.run({agent, "disks"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    std::string line;
    for (const auto& l : split(r.out, '\n'))
        if (starts_with(l, "/dev/" + disk + "\t")) line = l;
    ASSERT_FALSE(line.empty()) << "the agent does not list /dev/" << disk << ":\n" << r.out;
    EXPECT_TRUE(starts_with(line, "/dev/" + disk + "\trefused\t")) << line;
    // Found from the device number of "/", not from a mount table.
    EXPECT_NE(line.find("/ (the running system) is on"), std::string::npos) << line;
}
