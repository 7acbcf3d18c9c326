// The e2e test's disk checks on a disk file laid out by hand the way the
// agent lays out a BIOS partition-image deploy (msdos: config-2, then an
// ext4 root with the boot flag), so that a failing deploy test is never the
// checks' fault. No QEMU, about a second.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/e2e/config_drive.h"
#include "tests/e2e/disk_image_file.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

using namespace ingot;

namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kMiB = 1ull << 20;

// Copies `from` into `disk` at `offset` without truncating it.
void write_at(const std::string& disk, std::uint64_t offset, const std::string& from) {
    auto r = test::run({"dd", "if=" + from, "of=" + disk, "bs=1M", "seek=" + std::to_string(offset / kMiB),
                        "conv=notrunc,sparse", "status=none"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST(DiskImageFile, ReadsTheLayoutOfAPartitionImageDeploy) {
    for (const char* tool : {"parted", "mkfs.ext4", "genisoimage", "isoinfo", "blkid", "debugfs", "dd"})
        if (!test::have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
    test::TempDir work;
    const std::string dir = work.path();

    // An "image": an ext4 filesystem with a kernel-like file.
    fs::create_directories(dir + "/tree/boot");
    std::ofstream(dir + "/tree/boot/vmlinuz-6.1.0-test") << std::string(100000, 'k');
    std::ofstream(dir + "/tree/etc-hostname") << "instance\n";
    const std::string image = dir + "/image.ext4";
    std::ofstream(image).close();
    fs::resize_file(image, 16 * kMiB);
    ASSERT_EQ(test::run({"mkfs.ext4", "-q", "-d", dir + "/tree", image}).exit_code, 0);
    const std::string config_drive = test::make_config_drive(dir, {{"uuid", "1be26c0b-03f2-4d2e-ae87-c02d7f33c123"}});
    EXPECT_FALSE(config_drive.empty());

    // The disk: msdos, config-2 (64 MiB) then root (32 MiB, boot flag).
    const std::string disk = dir + "/disk.raw";
    std::ofstream(disk).close();
    fs::resize_file(disk, 128 * kMiB);
    auto r = test::run({"parted", "-s", disk, "mklabel", "msdos", "mkpart", "primary", "1MiB", "65MiB", "mkpart",
                        "primary", "65MiB", "97MiB", "set", "2", "boot", "on"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    write_at(disk, 1 * kMiB, dir + "/config-drive.iso");
    write_at(disk, 65 * kMiB, image);

    const auto table = test::read_partition_table(disk);
    ASSERT_EQ(table.error, "");
    EXPECT_EQ(table.label, "msdos");
    ASSERT_EQ(table.partitions.size(), 2u);
    const auto& config = table.partitions[0];
    const auto& root = table.partitions[1];
    EXPECT_EQ(config.offset, 1 * kMiB);
    EXPECT_EQ(config.size, 64 * kMiB);
    EXPECT_EQ(root.offset, 65 * kMiB);
    EXPECT_EQ(root.size, 32 * kMiB);
    EXPECT_EQ(root.flags, "boot");

    const auto image_probe = test::probe_partition(image, {0, 0, 16 * kMiB, "", ""});
    const auto root_probe = test::probe_partition(disk, root);
    EXPECT_EQ(root_probe.at("TYPE"), "ext4");
    EXPECT_EQ(root_probe.at("UUID"), image_probe.at("UUID"));
    EXPECT_EQ(test::probe_partition(disk, config).at("LABEL"), "config-2");

    // Files: equal, then one changed and one gone.
    ASSERT_EQ(test::dump_ext4_files(image, 0, dir + "/from-image"), "");
    ASSERT_EQ(test::dump_ext4_files(disk, root.offset, dir + "/from-disk"), "");
    EXPECT_TRUE(fs::exists(dir + "/from-disk/boot/vmlinuz-6.1.0-test"));
    EXPECT_EQ(test::compare_trees(dir + "/from-image", dir + "/from-disk"), std::vector<std::string>{});
    std::ofstream(dir + "/from-disk/etc-hostname") << "other\n";
    fs::remove(dir + "/from-disk/boot/vmlinuz-6.1.0-test");
    auto diffs = test::compare_trees(dir + "/from-image", dir + "/from-disk");
    std::sort(diffs.begin(), diffs.end());
    EXPECT_EQ(diffs, (std::vector<std::string>{"differs: etc-hostname", "missing: boot/vmlinuz-6.1.0-test"}));

    // Byte ranges: the root partition starts with the image.
    EXPECT_EQ(test::sha256_of_range(disk, root.offset, 16 * kMiB), test::run({"sha256sum", image}).out.substr(0, 64));

    // config-2 read back through isoinfo.
    test::copy_partition(disk, config, dir + "/config-2.img");
    EXPECT_EQ(fs::file_size(dir + "/config-2.img"), 64 * kMiB);
    const auto meta = nlohmann::json::parse(test::read_config_drive_meta_data(dir + "/config-2.img"));
    EXPECT_EQ(meta["uuid"], "1be26c0b-03f2-4d2e-ae87-c02d7f33c123");
}

TEST(DiskImageFile, ConfigDriveIsAGzippedIsoInBase64) {
    for (const char* tool : {"genisoimage", "gzip", "gunzip", "base64", "isoinfo", "blkid"})
        if (!test::have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
    test::TempDir work;
    const std::string encoded = test::make_config_drive(work.path(), {{"uuid", "u-1"}});
    std::ofstream(work.path() + "/encoded") << encoded << std::flush;
    auto r = test::run({"base64", "-d", work.path() + "/encoded"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(work.path() + "/encoded.gz", std::ios::binary) << r.out << std::flush;
    r = test::run({"gunzip", "-c", work.path() + "/encoded.gz"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(work.path() + "/encoded.iso", std::ios::binary) << r.out << std::flush;
    EXPECT_EQ(test::read_config_drive_meta_data(work.path() + "/encoded.iso"), R"({"uuid":"u-1"})");
    auto label = test::run({"blkid", "-p", "-o", "value", "-s", "LABEL", work.path() + "/encoded.iso"});
    EXPECT_EQ(label.out, "config-2\n");
}

}  // namespace
