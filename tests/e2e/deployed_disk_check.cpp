#include "tests/e2e/deployed_disk_check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "tests/e2e/config_drive.h"
#include "tests/e2e/disk_image_file.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

namespace ingot::test {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMiB = 1ull << 20;

std::string value(const std::map<std::string, std::string>& probe, const std::string& key) {
    auto it = probe.find(key);
    return it == probe.end() ? "" : it->second;
}

}  // namespace

void expect_deployed_partition_image(const DeployedDisk& d) {
    // [ESP (UEFI)], config-2, root: ironic-lib's order (root last, so it can grow).
    std::cout << "[ disk ] sgdisk -p " << d.disk << ":\n" << run({"sgdisk", "-p", d.disk}).out;
    const auto table = read_partition_table(d.disk);
    ASSERT_EQ(table.error, "");
    EXPECT_EQ(table.label, d.uefi ? "gpt" : "msdos");
    EXPECT_EQ(table.partitions.size(), d.uefi ? 3u : 2u);
    const DiskPartition* root = nullptr;
    const DiskPartition* config = nullptr;
    const DiskPartition* esp = nullptr;
    for (const auto& p : table.partitions) {
        const auto probe = probe_partition(d.disk, p);
        std::cout << "[ disk ] partition " << p.number << ": offset " << p.offset / kMiB << " MiB, " << p.size / kMiB
                  << " MiB, flags '" << p.flags << "', " << (probe.empty() ? "blank" : value(probe, "TYPE")) << " "
                  << value(probe, "LABEL") << " " << value(probe, "UUID") << "\n";
        if (value(probe, "TYPE") == "ext4" && value(probe, "UUID") == d.image_fs_uuid) root = &p;
        if (value(probe, "LABEL") == "config-2") config = &p;
        if (p.flags.find("esp") != std::string::npos) esp = &p;
    }
    ASSERT_NE(root, nullptr) << "no partition holds the image's filesystem (UUID " << d.image_fs_uuid << ")";
    EXPECT_EQ(root->size, d.root_mib * kMiB) << "root_gb";
    EXPECT_EQ(root->number, static_cast<int>(table.partitions.size())) << "root is the last partition";
    ASSERT_NE(config, nullptr) << "no config-2 partition";
    EXPECT_EQ(config->size, 64 * kMiB);
    if (d.uefi) {
        ASSERT_NE(esp, nullptr) << "no ESP";
        EXPECT_EQ(esp->number, 1);
        EXPECT_EQ(esp->size, 200 * kMiB);
        const std::string files = list_vfat_files(d.disk, esp->offset);
        EXPECT_NE(files.find("::/EFI/BOOT/BOOTX64.EFI"), std::string::npos) << "grub is not the removable loader:\n"
                                                                            << files;
    } else {
        EXPECT_EQ(esp, nullptr);
        EXPECT_NE(root->flags.find("boot"), std::string::npos) << root->flags;
        EXPECT_NE(read_bytes(d.disk, 440).find("GRUB"), std::string::npos) << "no GRUB boot code in the MBR";
    }

    // Root: every file of the image, byte for byte; grub added its own
    // files under /boot/grub (so the partition's bytes differ from the
    // image's, as with Ironic).
    const std::string from_image = d.work_dir + "/files-image", from_disk = d.work_dir + "/files-disk";
    ASSERT_EQ(dump_ext4_files(d.image, 0, from_image), "");
    ASSERT_EQ(dump_ext4_files(d.disk, root->offset, from_disk), "");
    ASSERT_FALSE(fs::is_empty(from_image)) << "debugfs dumped nothing from the image";
    EXPECT_EQ(compare_trees(from_image, from_disk), std::vector<std::string>{});
    std::ifstream grub_cfg(from_disk + "/boot/grub/grub.cfg");
    const std::string grub((std::istreambuf_iterator<char>(grub_cfg)), std::istreambuf_iterator<char>());
    EXPECT_NE(grub.find("root=UUID=" + d.image_fs_uuid), std::string::npos) << grub;

    // config-2: the ISO the test built, with the node's UUID.
    const std::string cd = d.work_dir + "/config-2.img";
    copy_partition(d.disk, *config, cd);
    const std::string meta = read_config_drive_meta_data(cd);
    ASSERT_NE(meta, "") << "isoinfo finds no openstack/latest/meta_data.json in config-2";
    EXPECT_EQ(nlohmann::json::parse(meta).value("uuid", ""), d.node_uuid) << meta;
    const auto iso_size = fs::file_size(d.config_drive_iso);
    EXPECT_EQ(sha256_of_range(cd, 0, iso_size), sha256_of_range(d.config_drive_iso, 0, iso_size))
        << "config-2 does not start with the config drive's bytes";
}

}  // namespace ingot::test
