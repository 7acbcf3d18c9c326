// execute_plan for real: plans from the `ironic` and `native` drivers run
// on loop devices over sparse files in temporary directories, images served
// by a loopback HTTP server. Disks are chosen only among the loop devices
// these tests attach (by name hint); every loop device is detached, and
// anything still mounted from it unmounted, when its test ends, failed or
// not.
#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/plan/execute.h"
#include "ramdisk-agent/plan/hints.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

using namespace ingot;
using namespace ingot::agent::plan;
using ingot::test::ImageHttpServer;
using ingot::test::read_bytes;
using nlohmann::json;

namespace {

std::string out_of(const std::vector<std::string>& argv) {
    auto r = test::run(argv);
    EXPECT_EQ(r.exit_code, 0) << join(argv, " ") << ": " << r.err;
    return r.out;
}

std::string sha256_of(const std::string& path) {
    return out_of({"sha256sum", path}).substr(0, 64);
}

std::string blkid(const std::string& dev, const std::string& tag, bool probe = false) {
    std::vector<std::string> argv = {"blkid", "-c", "/dev/null"};
    if (probe) argv.push_back("-p");
    argv.insert(argv.end(), {"-o", "value", "-s", tag, dev});
    return trim(test::run(argv).out);
}

bool all_zero(const std::string& data) {
    return data.find_first_not_of('\0') == std::string::npos;
}

struct TarEntry {
    std::string path;
    char kind = 'f';  // f file, d directory, l symlink, h hardlink
    int mode = 0644;
    std::string content;  // file content, or the link target
    int uid = 0, gid = 0;
    std::vector<std::pair<std::string, std::string>> xattrs;
};

// A pax tar written with libarchive, so that any entry (even an unsafe
// one) can be made.
void make_tar(const std::string& path, const std::vector<TarEntry>& entries) {
    struct archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
    for (const auto& e : entries) {
        struct archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.c_str());
        archive_entry_set_uid(entry, e.uid);
        archive_entry_set_gid(entry, e.gid);
        archive_entry_set_mtime(entry, 1700000000, 0);
        for (const auto& [k, v] : e.xattrs) archive_entry_xattr_add_entry(entry, k.c_str(), v.data(), v.size());
        switch (e.kind) {
            case 'd':
                archive_entry_set_filetype(entry, AE_IFDIR);
                break;
            case 'l':
                archive_entry_set_filetype(entry, AE_IFLNK);
                archive_entry_set_symlink(entry, e.content.c_str());
                break;
            case 'h':
                archive_entry_set_filetype(entry, AE_IFREG);
                archive_entry_set_hardlink(entry, e.content.c_str());
                break;
            default:
                archive_entry_set_filetype(entry, AE_IFREG);
                archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        }
        archive_entry_set_perm(entry, e.mode);
        ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
        if (e.kind == 'f' && !e.content.empty()) archive_write_data(a, e.content.data(), e.content.size());
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
}

// debugfs reads an unmounted ext4 filesystem without the kernel.
std::string debugfs(const std::string& dev, const std::string& request) {
    return test::run({"debugfs", "-R", request, dev}).out;
}

class AgentPlanExecute : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool :
             {"losetup", "sgdisk", "parted", "partprobe", "wipefs", "mkfs.ext4", "mkswap", "lsblk", "udevadm", "blkid",
              "blockdev", "genisoimage", "isoinfo", "debugfs", "qemu-img", "mount", "gzip", "zstd"}) {
            if (!test::have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
        }
        std::filesystem::create_directories(files());
    }

    std::string files() const { return dir_.path() + "/files"; }
    std::string work() const { return dir_.path() + "/work"; }

    // A loop device of `mib` MiB; "" when the kernel refuses (the caller skips).
    std::string attach(uint64_t mib) {
        loops_.push_back(std::make_unique<test::LoopDevice>(mib << 20));
        if (loops_.back()->device().empty()) refused_ = loops_.back()->error();
        return loops_.back()->device();
    }

    void resolve(DeployPlan& plan, const std::vector<std::string>& loops) {
        std::vector<std::string> argv = {"lsblk", "--json", "--bytes", "-o", kLsblkColumns};
        argv.insert(argv.end(), loops.begin(), loops.end());
        resolve_disks(plan, parse_lsblk(out_of(argv), {.include_loop = true}));
    }

    DeployPlan ironic(json payload, const std::string& loop) {
        payload["root_device"] = {{"name", loop}};
        DeployPlan plan = input_drivers().create("ironic")->parse(payload);
        plan.work_dir = work();
        resolve(plan, {loop});
        return plan;
    }

    DeployPlan native(json doc, const std::vector<std::string>& loops) {
        for (size_t i = 0; i < loops.size(); ++i) doc["disks"][i]["hints"] = {{"name", loops[i]}};
        doc["work_dir"] = work();
        DeployPlan plan = input_drivers().create("native")->parse(doc);
        resolve(plan, loops);
        return plan;
    }

    // An ext4 filesystem image of `mib` MiB holding `tree` (path -> content).
    std::string ext4_image(const std::map<std::string, std::string>& tree, uint64_t mib = 32) {
        std::string src = files() + "/rootfs-src";
        std::filesystem::remove_all(src);
        for (const auto& [path, content] : tree) {
            std::filesystem::create_directories(std::filesystem::path(src + path).parent_path());
            std::ofstream(src + path) << content;
        }
        std::string image = files() + "/rootfs.img";
        std::filesystem::remove(image);
        auto r = test::run({"mkfs.ext4", "-q", "-F", "-L", "imgroot", "-d", src, image, std::to_string(mib) + "M"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return image;
    }

    // An ISO as Ironic sends it: gzip, then base64.
    std::string gzip_base64_configdrive(const std::string& meta_data) {
        std::string src = files() + "/cd-src/openstack/latest";
        std::filesystem::create_directories(src);
        std::ofstream(src + "/meta_data.json") << meta_data;
        std::string iso = files() + "/cd.iso";
        out_of({"genisoimage", "-o", iso, "-quiet", "-J", "-r", "-V", "config-2", files() + "/cd-src"});
        out_of({"gzip", "-f", iso});
        return trim(out_of({"base64", "-w0", iso + ".gz"}));
    }

    std::string iso_file(const std::string& dev, const std::string& path) {
        return test::run({"isoinfo", "-J", "-i", dev, "-x", path}).out;
    }

    test::TempDir dir_;
    std::vector<std::unique_ptr<test::LoopDevice>> loops_;
    std::string refused_;
};

#define ATTACH_OR_SKIP(var, mib)   \
    std::string var = attach(mib); \
    if (var.empty()) GTEST_SKIP() << "the kernel refuses loop devices here: " << refused_;

json whole_disk_payload(const std::string& url, const std::string& sha256, const std::string& format = "raw") {
    return {{"image_info",
             {{"urls", {url}},
              {"os_hash_algo", "sha256"},
              {"os_hash_value", sha256},
              {"disk_format", format},
              {"image_type", "whole-disk-image"}}}};
}

}  // namespace

TEST_F(AgentPlanExecute, IronicWholeDiskRawImage) {
    ATTACH_OR_SKIP(loop, 64);
    // A disk image with an msdos label, so that it has an identifier.
    std::string image = files() + "/disk.raw";
    test::write_test_image(image, 8 << 20);
    out_of({"parted", "-s", image, "mklabel", "msdos", "mkpart", "primary", "1MiB", "7MiB"});
    ImageHttpServer server(image);
    DeployPlan plan = ironic(whole_disk_payload(server.url(), sha256_of(image)), loop);

    ExecuteResult result = execute_plan(plan);

    EXPECT_TRUE(read_bytes(loop, 8 << 20) == read_bytes(image, 8 << 20)) << "the device does not hold the image";
    EXPECT_TRUE(all_zero(read_bytes(loop, 1 << 20, 8 << 20))) << "written past the image";
    std::string id = blkid(loop, "PTUUID", true);
    ASSERT_EQ(id.size(), 8u);
    EXPECT_EQ(result.root_uuid, "0x" + id) << "IPA's disk identifier";
    EXPECT_EQ(result.efi_system_partition_uuid, "");
    EXPECT_EQ(result.actions_run, (std::vector<std::string>{"partitioning", "image", "configdrive", "bootloader"}));
}

struct Codec {
    const char* name;
    std::vector<std::string> argv;  // compresses FILE into FILE<ext>
    const char* ext;
};

class AgentPlanExecuteCompressed : public AgentPlanExecute, public ::testing::WithParamInterface<Codec> {};

TEST_P(AgentPlanExecuteCompressed, NativeWholeDiskImageIsDecompressed) {
    ATTACH_OR_SKIP(loop, 64);
    std::string image = files() + "/disk.raw";
    test::write_test_image(image, (5 << 20) + 4321);
    auto argv = GetParam().argv;
    argv.push_back(image);
    out_of(argv);
    std::string packed = image + GetParam().ext;
    ImageHttpServer server(packed);
    DeployPlan plan = native({{"disks", {{{"id", "d0"}}}},
                              {"images", {{{"url", server.url()}, {"checksum", sha256_of(packed)}, {"target", "d0"}}}}},
                             {loop});
    execute_plan(plan);
    EXPECT_TRUE(read_bytes(loop, (5 << 20) + 4321) == read_bytes(image, (5 << 20) + 4321));
}

INSTANTIATE_TEST_SUITE_P(AgentCodecs, AgentPlanExecuteCompressed,
                         ::testing::Values(Codec{"gzip", {"gzip", "-k", "-f"}, ".gz"},
                                           Codec{"zstd", {"zstd", "-q", "-k", "-f"}, ".zst"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(AgentPlanExecute, IronicWholeDiskQcow2) {
    ATTACH_OR_SKIP(loop, 64);
    std::string image = files() + "/disk.raw";
    test::write_test_image(image, 6 << 20);
    std::string qcow = files() + "/disk.qcow2";
    out_of({"qemu-img", "convert", "-f", "raw", "-O", "qcow2", image, qcow});
    ImageHttpServer server(qcow);
    DeployPlan plan = ironic(whole_disk_payload(server.url(), sha256_of(qcow), "qcow2"), loop);
    execute_plan(plan);
    EXPECT_TRUE(read_bytes(loop, 6 << 20) == read_bytes(image, 6 << 20));
}

// Ironic's partition layout for BIOS on msdos: swap1, config-2, root; the
// ext4 image on root, the prebuilt config drive on config-2, grub on the disk.
TEST_F(AgentPlanExecute, IronicPartitionImageWithPrebuiltConfigDriveAndBiosGrub) {
    if (!test::have_tool("grub-install")) GTEST_SKIP() << "grub-install is missing (grub2-common, grub-pc-bin)";
    ATTACH_OR_SKIP(loop, 192);
    std::string image = ext4_image({{"/boot/vmlinuz-6.1.0-test", "kernel"},
                                    {"/boot/initrd.img-6.1.0-test", "initrd"},
                                    {"/etc/hostname", "node\n"}});
    ImageHttpServer server(image);
    std::string meta = R"({"uuid": "0f4d", "hostname": "node-1"})";
    DeployPlan plan = ironic({{"image_info",
                               {{"urls", {server.url()}},
                                {"os_hash_algo", "sha256"},
                                {"os_hash_value", sha256_of(image)},
                                {"image_type", "partition"},
                                {"root_mb", 64},
                                {"swap_mb", 16},
                                {"deploy_boot_mode", "bios"}}},
                              {"configdrive", gzip_base64_configdrive(meta)}},
                             loop);

    ExecuteResult result = execute_plan(plan);

    std::string swap = partition_path(loop, 1), config = partition_path(loop, 2), root = partition_path(loop, 3);
    EXPECT_EQ(blkid(swap, "TYPE"), "swap");
    EXPECT_EQ(blkid(root, "TYPE"), "ext4");
    // The image's filesystem (grub has since added /boot/grub to it).
    EXPECT_EQ(blkid(root, "UUID"), blkid(image, "UUID"));
    EXPECT_EQ(debugfs(root, "cat /etc/hostname"), "node\n");
    EXPECT_EQ(iso_file(config, "/openstack/latest/meta_data.json"), meta);
    EXPECT_EQ(blkid(config, "LABEL"), "config-2");
    // ironic-lib's root uuid: the root filesystem's.
    EXPECT_EQ(result.root_uuid, blkid(root, "UUID"));
    EXPECT_FALSE(result.root_uuid.empty());
    EXPECT_EQ(result.partition_uuids.at("root"), blkid(root, "PARTUUID"));
    EXPECT_EQ(result.partition_uuids.at("config-2"), blkid(config, "PARTUUID"));
    EXPECT_EQ(result.devices.at("root"), root);
    EXPECT_EQ(result.efi_system_partition_uuid, "");
    // grub: boot code in the MBR, core.img in the post-MBR gap, the modules
    // and a grub.cfg on root (the image has no grub-mkconfig).
    EXPECT_NE(read_bytes(loop, 512).find("GRUB"), std::string::npos) << "no grub boot code in the MBR";
    EXPECT_FALSE(all_zero(read_bytes(loop, 64 << 10, 512))) << "no core.img after the MBR";
    EXPECT_NE(debugfs(root, "ls -l /boot/grub/i386-pc").find("core.img"), std::string::npos);
    std::string cfg = debugfs(root, "cat /boot/grub/grub.cfg");
    EXPECT_NE(cfg.find("linux /boot/vmlinuz-6.1.0-test root=UUID=" + result.root_uuid + " ro"), std::string::npos)
        << cfg;
    EXPECT_NE(cfg.find("initrd /boot/initrd.img-6.1.0-test"), std::string::npos) << cfg;
    EXPECT_NE(cfg.find("search --no-floppy --fs-uuid --set=root " + result.root_uuid), std::string::npos) << cfg;
    // Nothing stays mounted, the staging files are gone.
    EXPECT_EQ(test::run({"findmnt", "-n", "-o", "TARGET", "-S", root}).out, "") << "root stayed mounted";
    EXPECT_FALSE(std::filesystem::exists(work() + "/configdrive.iso"));
    EXPECT_TRUE(std::filesystem::is_empty(work())) << "a mount point was left in " << work();
}

// The config drive as Ironic's JSON object, on GPT with a bios_grub
// partition (where core.img goes).
TEST_F(AgentPlanExecute, IronicPartitionImageWithConfigDriveObjectOnGpt) {
    if (!test::have_tool("grub-install")) GTEST_SKIP() << "grub-install is missing (grub2-common, grub-pc-bin)";
    ATTACH_OR_SKIP(loop, 192);
    std::string image = ext4_image({{"/boot/vmlinuz-6.1.0-test", "kernel"}});
    ImageHttpServer server(image);
    json configdrive = {{"meta_data", {{"uuid", "0f4d"}, {"public_keys", {{"k", "ssh-ed25519 AAAA"}}}}},
                        {"user_data", "#cloud-config\nhostname: n1\n"},
                        {"network_data", {{"links", json::array()}}}};
    DeployPlan plan = ironic({{"image_info",
                               {{"urls", {server.url()}},
                                {"os_hash_algo", "sha256"},
                                {"os_hash_value", sha256_of(image)},
                                {"image_type", "partition"},
                                {"root_mb", 48},
                                {"deploy_boot_mode", "bios"},
                                {"disk_label", "gpt"}}},
                              {"configdrive", configdrive}},
                             loop);
    ExecuteResult result = execute_plan(plan);

    // bios-boot-part, config-2, root
    std::string bios = partition_path(loop, 1), config = partition_path(loop, 2), root = partition_path(loop, 3);
    for (const char* version : {"latest", "2012-08-10"}) {
        std::string dir = std::string("/openstack/") + version;
        EXPECT_EQ(json::parse(iso_file(config, dir + "/meta_data.json")), configdrive["meta_data"]) << version;
        EXPECT_EQ(iso_file(config, dir + "/user_data"), "#cloud-config\nhostname: n1\n") << version;
        EXPECT_EQ(json::parse(iso_file(config, dir + "/network_data.json")), configdrive["network_data"]) << version;
    }
    EXPECT_EQ(blkid(config, "LABEL"), "config-2");
    EXPECT_FALSE(all_zero(read_bytes(bios, 1 << 20))) << "core.img did not land in the bios_grub partition";
    EXPECT_NE(read_bytes(loop, 512).find("GRUB"), std::string::npos);
    EXPECT_EQ(result.root_uuid, blkid(root, "UUID"));
    EXPECT_EQ(result.partition_uuids.at("bios-boot-part"), blkid(bios, "PARTUUID"));
}

// UEFI: the ESP is made (mkfs.vfat needs no kernel support) and reported;
// grub for UEFI needs the ESP mounted, which this test leaves out (the
// kernel may lack vfat); its commands are checked by a unit test.
TEST_F(AgentPlanExecute, IronicUefiReportsTheEsp) {
    if (!test::have_tool("mkfs.vfat")) GTEST_SKIP() << "mkfs.vfat is missing (dosfstools)";
    ATTACH_OR_SKIP(loop, 320);
    std::string image = ext4_image({{"/etc/hostname", "n\n"}});
    ImageHttpServer server(image);
    DeployPlan plan = ironic({{"image_info",
                               {{"urls", {server.url()}},
                                {"os_hash_algo", "sha256"},
                                {"os_hash_value", sha256_of(image)},
                                {"image_type", "partition"},
                                {"root_mb", 48},
                                {"deploy_boot_mode", "uefi"}}}},
                             loop);
    ExecuteResult result = execute_plan(plan, {.skip = {"bootloader"}});
    std::string esp = partition_path(loop, 1), root = partition_path(loop, 2);
    EXPECT_EQ(blkid(esp, "TYPE"), "vfat");
    EXPECT_EQ(result.efi_system_partition_uuid, blkid(esp, "UUID"));
    EXPECT_FALSE(result.efi_system_partition_uuid.empty());
    EXPECT_EQ(result.root_uuid, blkid(root, "UUID"));
    EXPECT_EQ(result.actions_run, (std::vector<std::string>{"partitioning", "image", "configdrive"}));
}

class AgentPlanExecuteWholeDiskConfigDrive : public AgentPlanExecute,
                                             public ::testing::WithParamInterface<std::string> {};

// The image's table gets a 64 MiB config-2 partition at the end of the disk.
TEST_P(AgentPlanExecuteWholeDiskConfigDrive, GoesAtTheEndOfTheDisk) {
    ATTACH_OR_SKIP(loop, 128);
    std::string label = GetParam();
    std::string image = files() + "/disk.raw";
    test::write_test_image(image, 16 << 20);
    if (label == "gpt")
        out_of({"sgdisk", "-o", "-n", "1:0:+8M", "-c", "1:root", image});
    else
        out_of({"parted", "-s", image, "mklabel", "msdos", "mkpart", "primary", "1MiB", "9MiB"});
    ImageHttpServer server(image);
    json payload = whole_disk_payload(server.url(), sha256_of(image));
    payload["configdrive"] = {{"meta_data", {{"uuid", "wd"}}}, {"user_data", "#!/bin/sh\necho hi\n"}};
    DeployPlan plan = ironic(payload, loop);

    ExecuteResult result = execute_plan(plan);

    std::string config = partition_path(loop, 2);
    EXPECT_EQ(result.devices.at("config-2"), config);
    EXPECT_EQ(json::parse(iso_file(config, "/openstack/latest/meta_data.json")), json({{"uuid", "wd"}}));
    EXPECT_EQ(iso_file(config, "/openstack/latest/user_data"), "#!/bin/sh\necho hi\n");
    EXPECT_EQ(result.partition_uuids.at("config-2"), blkid(config, "PARTUUID"));
    auto table = out_of({"parted", "-s", "-m", loop, "unit", "MiB", "print"});
    EXPECT_NE(table.find(":" + std::string(label == "gpt" ? "gpt" : "msdos") + ":"), std::string::npos) << table;
    // Its end is the disk's end (GPT: before the backup table, moved there).
    auto size = std::stoull(trim(out_of({"blockdev", "--getsize64", config})));
    EXPECT_GE(size, 64ull << 20);
    auto start = std::stoull(trim(out_of({"cat", "/sys/class/block/" + config.substr(5) + "/start"}))) * 512;
    EXPECT_GE(start + size, (128ull << 20) - (1 << 20)) << table;
    if (label == "gpt") {
        auto verify = test::run({"sgdisk", "-v", loop});
        EXPECT_NE(verify.out.find("No problems found"), std::string::npos) << verify.out;
        EXPECT_EQ(result.root_uuid, blkid(loop, "PTUUID", true));
    }
    EXPECT_TRUE(read_bytes(partition_path(loop, 1), 4 << 20) == read_bytes(image, 4 << 20, 1 << 20));
}

INSTANTIATE_TEST_SUITE_P(AgentLabels, AgentPlanExecuteWholeDiskConfigDrive, ::testing::Values("gpt", "msdos"));

TEST_F(AgentPlanExecute, NativeTarImageIntoExt4) {
    ATTACH_OR_SKIP(loop, 96);
    std::string tar = files() + "/root.tar";
    make_tar(tar, {{"./", 'd', 0755},
                   {"./etc/", 'd', 0755},
                   {"./etc/hostname", 'f', 0644, "tarnode\n"},
                   {"./etc/shadow", 'f', 0640, "root:*:1::::::\n", 0, 42},
                   {"./usr/bin/tool", 'f', 04755, "#!/bin/sh\n", 1234, 5678, {{"user.ingot", "yes"}}},
                   {"./bin", 'l', 0777, "usr/bin"},
                   {"./usr/bin/tool-again", 'h', 0, "./usr/bin/tool"},
                   {"./secret/", 'd', 0700}});
    out_of({"gzip", "-k", "-f", tar});
    ImageHttpServer server(tar + ".gz");
    DeployPlan plan = native(json::parse(R"({
      "disks": [{"id": "d0", "partitions": [{"name": "root", "size": "remaining"}]}],
      "filesystems": [{"device": "root", "type": "ext4", "label": "root", "mount_point": "/"}]})"),
                             {loop});
    plan.images.push_back({server.url(), sha256_of(tar + ".gz"), "sha256", "root", "tar"});

    ExecuteResult result = execute_plan(plan);

    std::string root = partition_path(loop, 1);
    EXPECT_EQ(debugfs(root, "cat /etc/hostname"), "tarnode\n");
    std::string tool = debugfs(root, "stat /usr/bin/tool");
    EXPECT_NE(tool.find("Mode:  04755"), std::string::npos) << tool;
    EXPECT_NE(tool.find("User:  1234"), std::string::npos) << tool;
    EXPECT_NE(tool.find("Group:  5678"), std::string::npos) << tool;
    EXPECT_NE(tool.find("Links: 2"), std::string::npos) << "the hardlink: " << tool;
    EXPECT_NE(debugfs(root, "ea_get /usr/bin/tool user.ingot").find("yes"), std::string::npos);
    EXPECT_NE(debugfs(root, "stat /etc/shadow").find("Group:    42"), std::string::npos)
        << debugfs(root, "stat /etc/shadow");
    EXPECT_NE(debugfs(root, "stat /bin").find("Fast link dest: \"usr/bin\""), std::string::npos)
        << debugfs(root, "stat /bin");
    EXPECT_NE(debugfs(root, "stat /secret").find("Mode:  0700"), std::string::npos);
    EXPECT_EQ(result.root_uuid, blkid(root, "UUID"));
    EXPECT_EQ(test::run({"findmnt", "-n", "-o", "TARGET", "-S", root}).out, "") << "the target stayed mounted";
    EXPECT_TRUE(std::filesystem::is_empty(work())) << "a mount point was left in " << work();
}

// A server that cuts the transfer and then ignores Range sends the file
// from byte zero again: the bytes already unpacked are skipped, not
// unpacked twice, and the checksum still covers the file once.
TEST_F(AgentPlanExecute, TarDownloadRestartedByTheServerResumesTheStream) {
    ATTACH_OR_SKIP(loop, 64);
    std::string tar = files() + "/root.tar";
    std::string big(300000, 'z');
    make_tar(tar, {{"./a", 'f', 0644, "first"}, {"./big", 'f', 0600, big}, {"./z", 'f', 0644, "last"}});
    ImageHttpServer server(tar);
    server.ignore_range(true);
    server.cut(1, 70000);
    DeployPlan plan = native(json::parse(R"({
      "disks": [{"id": "d0", "partitions": [{"name": "root", "size": "remaining"}]}],
      "filesystems": [{"device": "root", "type": "ext4"}]})"),
                             {loop});
    plan.images.push_back({server.url(), sha256_of(tar), "sha256", "root", "tar"});
    execute_plan(plan);
    std::string root = partition_path(loop, 1);
    EXPECT_EQ(debugfs(root, "cat /a"), "first");
    EXPECT_TRUE(debugfs(root, "cat /big") == big);
    EXPECT_EQ(debugfs(root, "cat /z"), "last");
    EXPECT_EQ(server.ranges().size(), 2u);
}

TEST_F(AgentPlanExecute, TarWithEscapingEntryIsRefused) {
    ATTACH_OR_SKIP(loop, 64);
    for (const std::string& bad : {std::string("../escaped"), std::string("/etc/escaped")}) {
        std::string tar = files() + "/evil.tar";
        make_tar(tar, {{"./ok", 'f', 0644, "fine"}, {bad, 'f', 0644, "evil"}});
        ImageHttpServer server(tar);
        DeployPlan plan = native(json::parse(R"({
          "disks": [{"id": "d0", "partitions": [{"name": "root", "size": "remaining"}]}],
          "filesystems": [{"device": "root", "type": "ext4"}]})"),
                                 {loop});
        plan.images.push_back({server.url(), sha256_of(tar), "sha256", "root", "tar"});
        try {
            execute_plan(plan);
            FAIL() << bad << " was extracted";
        } catch (const agent::image::ImageFormatError& e) {
            EXPECT_EQ(std::string(e.what()),
                      "tar entry '" + bad + "' is refused: absolute paths and '..' are not allowed");
        }
        EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/work/escaped"));
        EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/escaped"));
        EXPECT_TRUE(std::filesystem::is_empty(work())) << "a mount point was left in " << work();
    }
}

TEST_F(AgentPlanExecute, TarChecksumMismatchSaysBothDigests) {
    ATTACH_OR_SKIP(loop, 64);
    std::string tar = files() + "/root.tar";
    make_tar(tar, {{"./a", 'f', 0644, "a"}});
    ImageHttpServer server(tar);
    DeployPlan plan = native(json::parse(R"({
      "disks": [{"id": "d0", "partitions": [{"name": "root", "size": "remaining"}]}],
      "filesystems": [{"device": "root", "type": "ext4"}]})"),
                             {loop});
    plan.images.push_back({server.url(), std::string(64, 'b'), "sha256", "root", "tar"});
    try {
        execute_plan(plan);
        FAIL() << "a wrong checksum was accepted";
    } catch (const agent::image::ChecksumMismatch& e) {
        EXPECT_NE(std::string(e.what()).find("sha256 expected " + std::string(64, 'b') + " got " + sha256_of(tar)),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(AgentPlanExecute, WholeDiskChecksumMismatchSaysBothDigests) {
    ATTACH_OR_SKIP(loop, 64);
    std::string image = files() + "/disk.raw";
    test::write_test_image(image, 2 << 20);
    ImageHttpServer server(image);
    DeployPlan plan = ironic(whole_disk_payload(server.url(), std::string(64, 'c')), loop);
    try {
        execute_plan(plan);
        FAIL() << "a wrong checksum was accepted";
    } catch (const agent::image::ChecksumMismatch& e) {
        EXPECT_EQ(std::string(e.what()), "checksum mismatch for " + server.url() + ": sha256 expected " +
                                             std::string(64, 'c') + " got " + sha256_of(image));
    }
}

TEST_F(AgentPlanExecute, ImageLargerThanDiskIsRefusedBeforeWriting) {
    ATTACH_OR_SKIP(loop, 32);
    std::string image = files() + "/big.raw";
    test::write_test_image(image, (32 << 20) + 512);
    ImageHttpServer server(image);
    DeployPlan plan = ironic(whole_disk_payload(server.url(), sha256_of(image)), loop);
    try {
        execute_plan(plan);
        FAIL() << "a 32 MiB + 512 B image fit on a 32 MiB disk";
    } catch (const agent::image::ImageTooLarge& e) {
        EXPECT_EQ(std::string(e.what()), "image is " + std::to_string((32 << 20) + 512) + " bytes, device " + loop +
                                             " holds " + std::to_string(32 << 20) + " bytes");
    }
    EXPECT_TRUE(all_zero(read_bytes(loop, 32 << 20))) << "the device was written to";
}

TEST_F(AgentPlanExecute, PartitionImageLargerThanRootIsRefused) {
    ATTACH_OR_SKIP(loop, 128);
    std::string image = ext4_image({{"/etc/hostname", "x\n"}}, 40);
    ImageHttpServer server(image);
    DeployPlan plan = ironic({{"image_info",
                               {{"urls", {server.url()}},
                                {"os_hash_value", sha256_of(image)},
                                {"image_type", "partition"},
                                {"root_mb", 32},
                                {"deploy_boot_mode", "bios"}}}},
                             loop);
    EXPECT_THROW(execute_plan(plan), agent::image::ImageTooLarge);
    EXPECT_TRUE(all_zero(read_bytes(partition_path(loop, 1), 32 << 20))) << "root was written to";
}

TEST_F(AgentPlanExecute, InvalidConfigDriveIsRefusedBeforePartitioning) {
    ATTACH_OR_SKIP(loop, 128);
    for (const std::string& bad : {std::string("not base64 at all!"), std::string("aGVsbG8gd29ybGQ=")}) {
        DeployPlan plan = ironic({{"image_info",
                                   {{"urls", {"http://127.0.0.1:1/root.img"}},
                                    {"os_hash_value", std::string(64, 'a')},
                                    {"image_type", "partition"},
                                    {"root_mb", 16},
                                    {"deploy_boot_mode", "bios"}}},
                                  {"configdrive", bad}},
                                 loop);
        try {
            execute_plan(plan);
            FAIL() << "configdrive " << bad << " was accepted";
        } catch (const PlanError& e) {
            EXPECT_EQ(e.path(), "configdrive");
            EXPECT_NE(std::string(e.what()).find(bad == "aGVsbG8gd29ybGQ=" ? "not a gzip" : "neither gzip+base64"),
                      std::string::npos)
                << e.what();
        }
        EXPECT_TRUE(all_zero(read_bytes(loop, 128 << 20))) << "the disk was touched";
    }
}

TEST_F(AgentPlanExecute, BadChecksumValueIsRefusedBeforePartitioning) {
    ATTACH_OR_SKIP(loop, 64);
    DeployPlan plan = ironic({{"image_info",
                               {{"urls", {"http://127.0.0.1:1/root.img"}},
                                {"os_hash_algo", "sha256"},
                                {"os_hash_value", "feed"},
                                {"image_type", "partition"},
                                {"root_mb", 16},
                                {"deploy_boot_mode", "bios"}}}},
                             loop);
    try {
        execute_plan(plan);
        FAIL();
    } catch (const PlanError& e) {
        EXPECT_EQ(e.path(), "images[0].checksum") << e.what();
    }
    EXPECT_TRUE(all_zero(read_bytes(loop, 64 << 20))) << "the disk was touched";
}
