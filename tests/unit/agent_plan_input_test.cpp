// Input-data drivers: Ironic payloads and native documents become the
// expected plans, and every bad field is refused with its JSON path.
#include <gtest/gtest.h>

#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/render.h"

using namespace ingot::agent::plan;
using nlohmann::json;

namespace {

DeployPlan parse(const std::string& driver, const json& doc) {
    return input_drivers().create(driver)->parse(doc);
}

// The error message, or "" when the document was accepted.
std::string error_of(const std::string& driver, const json& doc) {
    try {
        DeployPlan plan = parse(driver, doc);
        for (auto& d : plan.disks) {
            d.device = "/dev/sdx";
            d.size_mib = 10240;
        }
        prepare_plan(plan);
    } catch (const PlanError& e) {
        return e.what();
    }
    return "";
}

json native_example() {
    return json::parse(R"({
      "disks": [{"id": "disk0", "hints": {"size": ">= 8"}, "label": "gpt", "partitions": [
        {"name": "esp", "size": "512MiB", "flags": ["esp"]},
        {"name": "swap", "size": 1024},
        {"name": "root", "size": "remaining"}]}],
      "filesystems": [
        {"device": "esp", "type": "vfat", "label": "ESP", "mount_point": "/boot/efi"},
        {"device": "swap", "type": "swap", "label": "swap"},
        {"device": "root", "type": "ext4", "label": "root", "mount_point": "/"}],
      "images": [{"url": "http://x/root.tar", "checksum": "ab", "target": "root", "format": "tar"}],
      "configdrive": {"meta_data": {"uuid": "u1"}, "user_data": "#cloud-config\n"},
      "bootloader": {"type": "grub", "boot_mode": "uefi", "root": "root"}
    })");
}

}  // namespace

TEST(AgentPlanIronic, WholeDiskImageGoesOnTheRootDisk) {
    auto plan = parse("ironic", {{"image_info",
                                  {{"urls", {"http://img/disk.qcow2"}},
                                   {"os_hash_algo", "sha512"},
                                   {"os_hash_value", "abc"},
                                   {"disk_format", "qcow2"},
                                   {"image_type", "whole-disk-image"}}},
                                 {"root_device", {{"serial", "S123"}}}});
    ASSERT_EQ(plan.disks.size(), 1u);
    EXPECT_TRUE(plan.disks[0].partitions.empty());
    EXPECT_EQ(plan.disks[0].hints, json({{"serial", "S123"}}));
    ASSERT_EQ(plan.images.size(), 1u);
    EXPECT_EQ(plan.images[0].target, "disk0");
    EXPECT_EQ(plan.images[0].format, "qcow2");
    EXPECT_EQ(plan.images[0].checksum_algo, "sha512");
    EXPECT_EQ(plan.bootloader.kind, Bootloader::Kind::none);
    EXPECT_FALSE(plan.configdrive);
}

TEST(AgentPlanIronic, LegacyChecksumAlgorithmIsToldByLength) {
    auto plan =
        parse("ironic",
              {{"instance_info", {{"image_source", "http://img/d.raw"}, {"image_checksum", std::string(64, 'a')}}}});
    EXPECT_EQ(plan.images[0].url, "http://img/d.raw");
    EXPECT_EQ(plan.images[0].checksum_algo, "sha256");
}

TEST(AgentPlanIronic, PartitionImageWithConfigDriveUefi) {
    auto plan = parse("ironic", {{"image_info",
                                  {{"urls", {"http://img/root.img"}},
                                   {"checksum", std::string(32, 'a')},
                                   {"image_type", "partition"},
                                   {"root_mb", 4096},
                                   {"swap_mb", 512},
                                   {"ephemeral_mb", 1024},
                                   {"deploy_boot_mode", "uefi"}}},
                                 {"configdrive", {{"meta_data", {{"uuid", "u"}}}}}});
    const auto& parts = plan.disks[0].partitions;
    ASSERT_EQ(parts.size(), 5u);
    EXPECT_EQ(plan.disks[0].label, LabelType::gpt);
    EXPECT_EQ(parts[0].name, "efi-part");
    EXPECT_EQ(parts[0].flags, (std::vector<std::string>{"esp", "boot"}));
    EXPECT_EQ(parts[1].name, "ephemeral0");
    EXPECT_EQ(parts[2].name, "swap1");
    EXPECT_EQ(parts[2].size, Size::mib(512));
    EXPECT_EQ(parts[3].name, "config-2");
    EXPECT_EQ(parts[3].size, Size::mib(64));
    EXPECT_EQ(parts[4].name, "root");
    EXPECT_EQ(parts[4].number, 5);
    EXPECT_EQ(parts[4].size, Size::mib(4096));
    EXPECT_EQ(plan.images[0].target, "root");
    EXPECT_EQ(plan.images[0].checksum_algo, "md5");
    EXPECT_EQ(plan.bootloader.kind, Bootloader::Kind::grub);
    EXPECT_TRUE(plan.bootloader.uefi);
    ASSERT_EQ(plan.filesystems.size(), 3u);
    EXPECT_EQ(plan.filesystems[2].type, "swap");
    EXPECT_EQ(plan.filesystems[2].label, "swap1");
}

TEST(AgentPlanIronic, PartitionImageBiosFromInstanceInfo) {
    auto plan = parse("ironic", {{"instance_info",
                                  {{"image_source", "http://img/root.img"},
                                   {"root_gb", 10},
                                   {"capabilities", {{"boot_mode", "bios"}, {"disk_label", "gpt"}}}}}});
    const auto& parts = plan.disks[0].partitions;
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].flags, (std::vector<std::string>{"bios_grub"}));
    EXPECT_EQ(parts[1].size, Size::mib(10240));
    EXPECT_FALSE(plan.bootloader.uefi);

    auto mbr = parse(
        "ironic",
        {{"instance_info",
          {{"image_source", "http://img/root.img"}, {"root_gb", 10}, {"capabilities", {{"boot_mode", "bios"}}}}}});
    EXPECT_EQ(mbr.disks[0].label, LabelType::msdos);
    ASSERT_EQ(mbr.disks[0].partitions.size(), 1u);
    EXPECT_EQ(mbr.disks[0].partitions[0].flags, (std::vector<std::string>{"boot"}));
}

TEST(AgentPlanIronic, Refusals) {
    EXPECT_EQ(error_of("ironic", {{"image_info", {{"image_type", "partition"}}}}),
              "image_info.urls: is required (or instance_info.image_source)");
    EXPECT_EQ(error_of("ironic", {{"image_info", {{"urls", {"http://x"}}, {"image_type", "partition"}}}}),
              "image_info.root_mb: is required for a partition image");
    EXPECT_EQ(error_of("ironic", {{"image_info", {{"urls", {"http://x"}}, {"disk_format", "vmdk"}}}}),
              "image_info.disk_format: \"vmdk\" is not supported (raw, qcow2)");
    EXPECT_EQ(error_of("ironic", {{"image_info", {{"urls", {"http://x"}}, {"root_mb", "lots"}}}}),
              "image_info.root_mb: must be an integer, not \"lots\"");
    EXPECT_EQ(error_of("ironic", {{"image_info", {{"urls", {"http://x"}}}}, {"root_device", {{"colour", "red"}}}}),
              "disks[0].hints.colour: unknown root device hint (known: by_path, hctl, model, name, rotational, "
              "serial, size, vendor, wwn, wwn_vendor_extension, wwn_with_extension)");
}

TEST(AgentPlanNative, ExampleParsesAndReservesNothingExtra) {
    auto plan = parse("native", native_example());
    ASSERT_EQ(plan.disks.size(), 1u);
    EXPECT_EQ(plan.disks[0].partitions.size(), 3u);
    EXPECT_EQ(plan.disks[0].partitions[2].size, Size::remaining());
    EXPECT_EQ(plan.images[0].format, "tar");
    EXPECT_EQ(plan.configdrive->user_data, "#cloud-config\n");
    // The queued config drive gets its partition when the plan is prepared.
    plan.disks[0].device = "/dev/sdx";
    plan.disks[0].size_mib = 10240;
    prepare_plan(plan);
    ASSERT_EQ(plan.disks[0].partitions.size(), 4u);
    EXPECT_EQ(plan.disks[0].partitions[3].name, "config-2");
    EXPECT_EQ(plan.disks[0].partitions[3].number, 4);
}

TEST(AgentPlanNative, SizesParse) {
    EXPECT_EQ(Size::parse(json(512)), Size::mib(512));
    EXPECT_EQ(Size::parse(json("2GiB")), Size::mib(2048));
    EXPECT_EQ(Size::parse(json("1T")), Size::mib(1024 * 1024));
    EXPECT_EQ(Size::parse(json("25%")), Size::percent(25));
    EXPECT_EQ(Size::parse(json("remaining")), Size::remaining());
    for (const char* bad : {"12XB", "0", "1.5GiB", "101%", "", "-3", "GiB"})
        EXPECT_FALSE(Size::parse(json(bad))) << bad;
    EXPECT_FALSE(Size::parse(json(-1)));
    EXPECT_FALSE(Size::parse(json(true)));
}

// Each case: a change to the example, and the exact message it must give.
TEST(AgentPlanNative, EveryValidationErrorNamesItsPath) {
    struct Case {
        const char* pointer;
        json value;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"/disks/0/partitions/2/size", "12XB",
         "disks[0].partitions[2].size: \"12XB\" is not a size (MiB, %, or remaining)"},
        {"/disks/0/partitions/1/size", "remaining",
         "disks[0].partitions[2].size: only one partition per disk can take the remaining space"},
        {"/disks/0/partitions/0/flags/0", "shiny",
         "disks[0].partitions[0].flags[0]: \"shiny\" is not a flag (bios_grub, esp, boot, raid, lvm)"},
        {"/disks/0/partitions/0/colour", "red",
         "disks[0].partitions[0].colour: unknown field (known: name, size, type, flags)"},
        {"/disks/0/partitions/1/name", "esp",
         "disks[0].partitions[1].name: name \"esp\" is already used by disks[0].partitions[0].name"},
        {"/disks/0/label", "dos", "disks[0].label: \"dos\" is not one of gpt, msdos"},
        {"/disks/0/hints/size", "about 8",
         "disks[0].hints.size: \"about 8\" is not an integer comparison (size is in GiB)"},
        {"/disks/0/hints/rotational", "maybe", "disks[0].hints.rotational: \"maybe\" is not a boolean"},
        {"/filesystems/0/type", "ntfs",
         "filesystems[0].type: \"ntfs\" is not a filesystem type (ext4, xfs, vfat, swap)"},
        {"/filesystems/0/label", "MUCH_TOO_LONG",
         "filesystems[0].label: \"MUCH_TOO_LONG\" is longer than vfat allows (11)"},
        {"/filesystems/1/device", "nowhere",
         "filesystems[1].device: \"nowhere\" names no disk, partition, RAID array or logical volume"},
        {"/filesystems/2/device", "swap", "filesystems[2].device: \"swap\" already has a filesystem"},
        {"/images/0/format", "vhd", "images[0].format: \"vhd\" is not an image format (raw, qcow2, tar)"},
        {"/images/0/checksum_algo", "crc32",
         "images[0].checksum_algo: \"crc32\" is not a checksum algorithm (md5, sha256, sha512)"},
        {"/images/0/url", 7, "images[0].url: must be a string, not 7"},
        {"/bootloader/root", "missing",
         "bootloader.root: \"missing\" names no disk, partition, RAID array or logical volume"},
        {"/bootloader/boot_mode", "coreboot", "bootloader.boot_mode: \"coreboot\" is not one of uefi, bios"},
        {"/configdrive", "not base64!",
         "configdrive: is neither gzip+base64 nor an object of meta_data/user_data/network_data"},
        {"/disks/0/partitions/1/size", "20000",
         "disks[0].partitions: 20576 MiB of partitions do not fit /dev/sdx (10238 MiB usable)"},
        {"/raid", json::array({{{"name", "md0"}, {"level", 1}, {"members", {"esp"}}}}),
         "raid[0].members: RAID1 needs at least 2 members"},
        {"/raid", json::array({{{"name", "md0"}, {"level", 3}, {"members", {"esp", "swap"}}}}),
         "raid[0].level: 3 is not a RAID level (0, 1, 4, 5, 6, 10)"},
        {"/lvm",
         {{"vgs", {{{"name", "vg0"}, {"pvs", {"swap"}}}}}, {"lvs", {{{"name", "a"}, {"vg", "vg1"}, {"size", "1G"}}}}},
         "lvm.lvs[0].vg: \"vg1\" is not a volume group in lvm.vgs"},
        {"/lvm",
         {{"pvs", {"swap"}}, {"vgs", {{{"name", "vg0"}, {"pvs", {"esp"}}}}}},
         "lvm.vgs[0].pvs[0]: \"esp\" is not in lvm.pvs"},
        {"/lvm",
         {{"vgs", {{{"name", "vg0"}, {"pvs", {"swap"}}}}},
          {"lvs",
           {{{"name", "a"}, {"vg", "vg0"}, {"size", "remaining"}}, {{"name", "b"}, {"vg", "vg0"}, {"size", "1G"}}}}},
         "lvm.lvs[1]: comes after a logical volume taking the remaining space of \"vg0\""},
    };
    for (const auto& c : cases) {
        json doc = native_example();
        doc[json::json_pointer(c.pointer)] = c.value;
        EXPECT_EQ(error_of("native", doc), c.message) << c.pointer;
    }
    json no_disks = native_example();
    no_disks["disks"] = json::array();
    EXPECT_EQ(error_of("native", no_disks), "disks: at least one disk is required");
    json typo = native_example();
    typo["disk"] = json::array();
    EXPECT_EQ(error_of("native", typo),
              "disk: unknown field (known: disks, raid, lvm, filesystems, images, configdrive, bootloader, work_dir)");
    json mbr = native_example();
    mbr["disks"][0]["label"] = "msdos";
    mbr["disks"][0]["partitions"][0]["flags"] = {"bios_grub"};
    EXPECT_EQ(error_of("native", mbr), "disks[0].partitions[0].flags[0]: bios_grub needs a gpt label");
    EXPECT_EQ(error_of("native", native_example()), "");
}

TEST(AgentPlanRegistry, KnowsBuiltInsAndRefusesUnknownNames) {
    EXPECT_EQ(input_drivers().names(), (std::vector<std::string>{"ironic", "native"}));
    EXPECT_EQ(input_drivers().ns(), "ingot.agent.input_drivers");
    EXPECT_THROW(input_drivers().create("bareon"), ingot::NotFound);
}
