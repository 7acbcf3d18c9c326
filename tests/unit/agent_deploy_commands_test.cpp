// The agent's deploy and clean commands against canned devices, a recording
// command runner and a fake plan executor: the ironic document builder, IPA's
// result shapes, the safety gates (no write without PID 1 or a flag; loop
// devices only under --loop-devices-only; never a mounted device or the disk
// of "/"), the erase command lists and plan mode. Nothing here touches a disk.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/service/clean_commands.h"
#include "ramdisk-agent/service/deploy_commands.h"
#include "ramdisk-agent/service/disk_safety.h"
#include "ramdisk-agent/service/plan_mode.h"

using namespace ingot::agent::service;
namespace plan = ingot::agent::plan;
using nlohmann::json;

namespace {

// vda holds "/"; sdb has /data mounted; sdc is free; loop0 is free; loop1
// has a filesystem mounted.
const char* kLsblk = R"({"blockdevices": [
  {"name": "vda", "path": "/dev/vda", "type": "disk", "size": 21474836480, "mountpoint": null,
   "children": [{"name": "vda1", "path": "/dev/vda1", "type": "part", "mountpoint": "/"}]},
  {"name": "sdb", "path": "/dev/sdb", "type": "disk", "size": 10737418240, "serial": "DATA1", "mountpoint": null,
   "children": [{"name": "sdb1", "path": "/dev/sdb1", "type": "part", "mountpoint": "/data"}]},
  {"name": "sdc", "path": "/dev/sdc", "type": "disk", "size": 10737418240, "serial": "S3Z2", "mountpoint": null},
  {"name": "loop0", "path": "/dev/loop0", "type": "loop", "size": 67108864, "mountpoint": null},
  {"name": "loop1", "path": "/dev/loop1", "type": "loop", "size": 67108864, "mountpoint": "/snap/core"}
]})";

std::string basename_of(const std::string& path) {
    return path.substr(path.find_last_of('/') + 1);
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

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A DiskAccess whose every hook is a fake that records what it was asked.
struct Fake {
    int discoveries = 0;
    std::vector<plan::Command> commands;
    std::vector<plan::DeployPlan> executed;
    std::vector<plan::ExecuteOptions> options;
    plan::ExecuteResult result{"ROOT-UUID", "", {}};
    std::function<void()> fail;  // thrown from execute when set
    BusyDevices busy;

    DiskAccess access(DiskPolicy policy, pid_t pid = 4242) {
        DiskAccess a;
        a.policy = std::move(policy);
        a.pid = pid;
        a.discover = [this](const plan::DiscoveryOptions& o) {
            ++discoveries;
            return plan::parse_lsblk(kLsblk, o);
        };
        a.busy = [this] { return busy; };
        a.kernel_name = basename_of;
        a.runner = a.long_runner = [this](const plan::Command& argv) {
            commands.push_back(argv);
            return ingot::ProcessResult{0, false, "", ""};
        };
        a.inspect = [](const plan::Command& argv) {
            const std::string dev = argv.back();
            json node = {{"path", dev}, {"type", "loop"}, {"size", 67108864}, {"log-sec", 512}};
            node["children"] = {{{"path", dev + "p1"}, {"type", "part"}}, {{"path", dev + "p2"}, {"type", "part"}}};
            return ingot::ProcessResult{0, false, json{{"blockdevices", {node}}}.dump(), ""};
        };
        a.execute = [this](plan::DeployPlan& p, const plan::ExecuteOptions& o) {
            executed.push_back(p);
            options.push_back(o);
            if (fail) fail();
            return result;
        };
        return a;
    }
};

json image_info(const std::string& type = "whole-disk-image") {
    json info = {{"id", "img-1"},
                 {"urls", {"http://images/img-1.raw"}},
                 {"os_hash_algo", "sha256"},
                 {"os_hash_value", std::string(64, 'a')},
                 {"disk_format", "raw"},
                 {"image_type", type}};
    if (type == "partition") {
        info["root_mb"] = 32;
        info["swap_mb"] = 0;
        info["ephemeral_mb"] = 0;
        info["deploy_boot_mode"] = "uefi";
    }
    return info;
}

json node_with_hints(const json& hints) {
    return {{"uuid", "node-1"},
            {"properties", {{"root_device", hints}}},
            {"instance_info", {{"image_source", "http://ignored"}, {"configdrive", "******"}}}};
}

json write_image_params(const json& hints, const json& info = image_info(), const json& configdrive = json()) {
    return {{"step",
             {{"interface", "deploy"},
              {"step", "write_image"},
              {"priority", 80},
              {"args", {{"image_info", info}, {"configdrive", configdrive}}}}},
            {"node", node_with_hints(hints)},
            {"ports", json::array()}};
}

}  // namespace

TEST(AgentIronicDocument, BuiltFromTheDeployStep) {
    json params = write_image_params({{"name", "/dev/sdc"}}, image_info(), "H4sIcfg");
    json doc = ironic_document_from_params(params);
    EXPECT_EQ(doc["image_info"]["id"], "img-1");
    EXPECT_EQ(doc["root_device"], json({{"name", "/dev/sdc"}}));
    EXPECT_EQ(doc["configdrive"], "H4sIcfg");
    EXPECT_EQ(doc["instance_info"]["image_source"], "http://ignored");
    EXPECT_FALSE(doc["instance_info"].contains("configdrive")) << "the masked copy must never be used";
    // The driver takes it as is.
    plan::DeployPlan p = plan::input_drivers().create("ironic")->parse(doc);
    ASSERT_EQ(p.disks.size(), 1u);
    EXPECT_EQ(p.disks[0].hints, json({{"name", "/dev/sdc"}}));
    EXPECT_TRUE(p.disks[0].partitions.empty());
    ASSERT_TRUE(p.configdrive);
    EXPECT_EQ(p.configdrive->gzip_base64, "H4sIcfg");
    EXPECT_EQ(p.images[0].url, "http://images/img-1.raw");
}

TEST(AgentIronicDocument, IpaDefaultsAndFallbacks) {
    // No image_type: IPA writes a whole-disk image, whatever the root size.
    json info = image_info();
    info.erase("image_type");
    info["root_mb"] = 1024;
    info["configdrive"] = "from-image-info";  // IPA's backward compatibility
    json doc = ironic_document(info, nullptr, {{"properties", json::object()}});
    EXPECT_EQ(doc["image_info"]["image_type"], "whole-disk-image");
    EXPECT_EQ(doc["configdrive"], "from-image-info");
    EXPECT_FALSE(doc["image_info"].contains("configdrive"));
    EXPECT_FALSE(doc.contains("root_device"));
    // A partition image stays one.
    doc = ironic_document(image_info("partition"), nullptr, json::object());
    EXPECT_EQ(doc["image_info"]["image_type"], "partition");
    // A document already in the driver's shape passes through.
    json as_is = {{"image_info", image_info()}, {"instance_info", json::object()}, {"root_device", {{"size", 10}}}};
    EXPECT_EQ(ironic_document_from_params(as_is), as_is);
}

// Found by fuzz/plan_input_fuzzer (fuzz/corpus/plan_input/crash-step-args-array):
// step.args that is not an object made value() throw nlohmann's type_error
// out of plan mode and deploy.execute_deploy_step.
TEST(AgentDeployCommands, StepArgsThatAreNotAnObjectAreAPlanError) {
    for (const json& args : {json::array(), json("x"), json(3)}) {
        const json params = {{"step", {{"interface", "deploy"}, {"step", "write_image"}, {"args", args}}}};
        try {
            ironic_document_from_params(params);
            ADD_FAILURE() << "accepted args " << args.dump();
        } catch (const plan::PlanError& e) {
            EXPECT_EQ(e.path(), "step.args");
        }
    }
}

TEST(AgentDiskSafety, WritesRefusedWithoutPid1OrAFlag) {
    Fake fake;
    DeployState state;
    auto access = fake.access({});
    for (auto run : std::vector<std::function<void()>>{
             [&] {
                 execute_deploy_step(state, access, write_image_params({{"name", "/dev/loop0"}}));
             },
             [&] {
                 prepare_image(state, access, {{"image_info", image_info()}});
             },
             [&] {
                 execute_clean_step(access, {{"step", {{"step", "erase_devices_metadata"}}}, {"node", json::object()}});
             },
             [&] {
                 execute_clean_step(access, {{"step", {{"step", "erase_devices"}}}, {"node", json::object()}});
             }}) {
        AgentError e = error_of(run);
        EXPECT_EQ(e.type(), "ProtectedDeviceError");
        EXPECT_EQ(e.details(), kDiskWritesRefused);
    }
    EXPECT_EQ(fake.discoveries, 0) << "refused before even looking at the disks";
    EXPECT_TRUE(fake.commands.empty());
    EXPECT_TRUE(fake.executed.empty());

    EXPECT_FALSE(disk_writes_permitted({}, 4242));
    EXPECT_TRUE(disk_writes_permitted({}, 1));
    EXPECT_TRUE(disk_writes_permitted({.allow_disk_writes = true}, 4242));
    EXPECT_TRUE(disk_writes_permitted({.loop_devices_only = true}, 4242));
    // As the ramdisk's init the agent writes without any flag.
    auto as_init = fake.access({}, 1);
    execute_deploy_step(state, as_init, write_image_params({{"name", "/dev/sdc"}}));
    ASSERT_EQ(fake.executed.size(), 1u);
    EXPECT_EQ(fake.executed[0].disks[0].device, "/dev/sdc");
}

TEST(AgentDiskSafety, LoopDevicesOnlySeesNothingElse) {
    Fake fake;
    DeployState state;
    auto access = fake.access({.loop_devices_only = true});
    Candidates c = candidates(access);
    ASSERT_EQ(c.eligible.size(), 1u);
    EXPECT_EQ(c.eligible[0].name, "/dev/loop0");
    ASSERT_EQ(c.refused.size(), 1u);  // loop1: mounted
    EXPECT_TRUE(contains(c.refused[0].second, "/snap/core"));

    AgentError e = error_of([&] { execute_deploy_step(state, access, write_image_params({{"name", "/dev/sdc"}})); });
    EXPECT_EQ(e.type(), "DeviceNotFound");
    EXPECT_TRUE(fake.executed.empty());
    // Without hints IPA takes the smallest disk of at least 4 GiB: no loop device here is one.
    e = error_of([&] { execute_deploy_step(state, access, write_image_params(json::object())); });
    EXPECT_EQ(e.type(), "DeviceNotFound");

    execute_deploy_step(state, access, write_image_params({{"name", "/dev/loop0"}}));
    ASSERT_EQ(fake.executed.size(), 1u);
    EXPECT_EQ(fake.executed[0].disks[0].device, "/dev/loop0");

    // A target that is not a loop device is refused at the last check too.
    EXPECT_EQ(error_of([&] { check_before_writing(access, "/dev/sdc"); }).type(), "ProtectedDeviceError");
    EXPECT_NO_THROW(check_before_writing(access, "/dev/loop0"));
}

TEST(AgentDiskSafety, MountedDevicesAndTheRootDiskAreNeverTargets) {
    Fake fake;
    DeployState state;
    auto access = fake.access({.allow_disk_writes = true});
    // sdb has /data mounted: a hint naming it is refused as such.
    AgentError e = error_of([&] { execute_deploy_step(state, access, write_image_params({{"serial", "DATA1"}})); });
    EXPECT_EQ(e.type(), "ProtectedDeviceError");
    EXPECT_TRUE(contains(e.details(), "/dev/sdb")) << e.details();
    EXPECT_TRUE(contains(e.details(), "/data")) << e.details();
    // The disk of "/" is not even discovered.
    e = error_of([&] { execute_deploy_step(state, access, write_image_params({{"name", "/dev/vda"}})); });
    EXPECT_EQ(e.type(), "DeviceNotFound");
    EXPECT_EQ(error_of([&] { check_before_writing(access, "/dev/vda"); }).type(), "ProtectedDeviceError");
    // What the kernel's tables say counts even when lsblk shows nothing mounted.
    fake.busy = {{"sdc", "/srv is mounted from /dev/sdc1"}};
    e = error_of([&] { execute_deploy_step(state, access, write_image_params({{"serial", "S3Z2"}})); });
    EXPECT_EQ(e.type(), "ProtectedDeviceError");
    EXPECT_TRUE(contains(e.details(), "/srv")) << e.details();
    EXPECT_TRUE(fake.executed.empty());
    // A free real disk is a target with --allow-disk-writes.
    fake.busy.clear();
    execute_deploy_step(state, access, write_image_params({{"serial", "S3Z2"}}));
    ASSERT_EQ(fake.executed.size(), 1u);
    EXPECT_EQ(fake.executed[0].disks[0].device, "/dev/sdc");
}

TEST(AgentDiskSafety, DeviceListNarrows) {
    Fake fake;
    auto access = fake.access({.allow_disk_writes = true, .only_devices = {"/dev/sdc"}});
    Candidates c = candidates(access);
    ASSERT_EQ(c.eligible.size(), 1u);
    EXPECT_EQ(c.eligible[0].name, "/dev/sdc");
}

TEST(AgentDiskSafety, TheRunningSystemsDiskIsNeverATarget) {
    // Reads /proc, /sys and lsblk only. The disk "/" lives on, found through
    // sysfs, is busy and refused, whatever the flags.
    struct stat st {};
    ASSERT_EQ(::stat("/", &st), 0);
    if (major(st.st_dev) == 0) GTEST_SKIP() << "/ is not on a block device here (overlay, tmpfs)";
    std::error_code ec;
    auto real = std::filesystem::canonical(
        "/sys/dev/block/" + std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev)), ec);
    if (ec) GTEST_SKIP() << "no /sys/dev/block entry for the root filesystem";
    std::string name = real.filename().string();
    if (std::filesystem::exists(real / "partition")) name = real.parent_path().filename().string();
    BusyDevices busy = busy_devices();
    ASSERT_EQ(busy.count(name), 1u) << name << " holds / but is not busy";
    EXPECT_TRUE(contains(busy[name], "running system")) << busy[name];
    EXPECT_EQ(kernel_name("/dev/" + name), name);

    DiskAccess access;  // the real discovery and tables; nothing is written
    access.policy.allow_disk_writes = true;
    AgentError e = error_of([&] { check_before_writing(access, "/dev/" + name); });
    EXPECT_EQ(e.type(), "ProtectedDeviceError");
    for (const auto& d : candidates(access).eligible) EXPECT_NE(d.name, "/dev/" + name);
}

TEST(AgentDeployCommands, WriteImageResultHasIpaShape) {
    Fake fake;
    DeployState state;
    auto access = fake.access({.loop_devices_only = true});
    json params = write_image_params({{"name", "/dev/loop0"}});
    json r = execute_deploy_step(state, access, params);
    EXPECT_EQ(r["deploy_step"], params["step"]);
    EXPECT_EQ(r["deploy_result"]["result"],
              "prepare_image: image (img-1) written to device /dev/loop0 root_uuid=ROOT-UUID");
    ASSERT_EQ(fake.options.size(), 1u);
    EXPECT_EQ(fake.options[0].skip, std::set<std::string>{"bootloader"}) << "the conductor asks for it separately";
    EXPECT_EQ(partition_uuids(state), json({{"root uuid", "ROOT-UUID"}}));

    // prepare_image (the older flow): the same write, the node from an earlier command.
    state.remember_node(node_with_hints({{"name", "/dev/loop0"}}));
    r = prepare_image(state, access, {{"image_info", image_info()}, {"configdrive", nullptr}});
    EXPECT_EQ(r, json({{"result", "prepare_image: image (img-1) written to device /dev/loop0 root_uuid=ROOT-UUID"}}));
    EXPECT_EQ(fake.executed.size(), 2u);
}

TEST(AgentDeployCommands, PartitionImageUuidsAndBootloader) {
    Fake fake;
    fake.result = {"ROOT-FS-UUID", "ESP-UUID", {{"root", "ROOT-FS-UUID"}, {"efi-part", "ESP-UUID"}}};
    DeployState state;
    auto access = fake.access({.loop_devices_only = true});
    EXPECT_EQ(error_of([&] {
                  install_bootloader(state, access, {{"root_uuid", "x"}});
              }).type(),
              "CommandExecutionError")
        << "nothing written in this agent's life: refused";

    json r = execute_deploy_step(state, access, write_image_params({{"name", "loop0"}}, image_info("partition")));
    EXPECT_EQ(r["deploy_result"]["result"],
              "prepare_image: image (img-1) written to device /dev/loop0 root_uuid=ROOT-FS-UUID "
              "efi_system_partition_uuid=ESP-UUID");
    json uuids = partition_uuids(state);
    EXPECT_EQ(uuids["root uuid"], "ROOT-FS-UUID");
    EXPECT_EQ(uuids["efi system partition uuid"], "ESP-UUID");
    EXPECT_EQ(uuids["partitions"]["efi-part"], "/dev/loop0p1");
    EXPECT_EQ(uuids["partitions"]["root"], "/dev/loop0p2");

    // A root UUID this agent did not write is refused.
    EXPECT_EQ(error_of([&] { install_bootloader(state, access, {{"root_uuid", "OTHER"}}); }).type(), "DeviceNotFound");
    EXPECT_TRUE(install_bootloader(state, access,
                                   {{"root_uuid", "ROOT-FS-UUID"},
                                    {"efi_system_part_uuid", "ESP-UUID"},
                                    {"prep_boot_part_uuid", nullptr},
                                    {"target_boot_mode", "bios"}})
                    .is_null());
    ASSERT_EQ(fake.executed.size(), 2u);
    const auto& skip = fake.options[1].skip;
    EXPECT_EQ(skip.count("bootloader"), 0u);
    for (const char* other : {"partitioning", "image", "configdrive"}) EXPECT_EQ(skip.count(other), 1u) << other;
    EXPECT_FALSE(fake.executed[1].bootloader.uefi) << "target_boot_mode wins";
    EXPECT_EQ(fake.executed[1].disks[0].device, "/dev/loop0");
    install_bootloader(state, access, {{"root_uuid", "ROOT-FS-UUID"}, {"target_boot_mode", "uefi"}});
    EXPECT_TRUE(fake.executed[2].bootloader.uefi);
    EXPECT_EQ(error_of([&] {
                  install_bootloader(state, access, {{"target_boot_mode", "efi"}});
              }).type(),
              "InvalidCommandParamsError");
}

TEST(AgentDeployCommands, FailuresHaveIpaErrors) {
    Fake fake;
    DeployState state;
    auto access = fake.access({.loop_devices_only = true});
    AgentError e = error_of([&] {
        execute_deploy_step(state, access, {{"step", {{"step", "nope"}, {"interface", "deploy"}}}});
    });
    EXPECT_EQ(e.type(), "HardwareManagerMethodNotFound");
    EXPECT_EQ(e.message(), "No HardwareManager found to handle method");
    EXPECT_EQ(e.details(), "Could not find method: nope");
    e = error_of([&] { execute_deploy_step(state, access, {{"step", {{"interface", "deploy"}}}}); });
    EXPECT_EQ(e.type(), "CommandExecutionError");
    EXPECT_TRUE(contains(e.details(), "Malformed deploy_step, no \"step\" key")) << e.details();

    // A bad document: the path of the field.
    json info = image_info();
    info["disk_format"] = "vmdk";
    e = error_of([&] { execute_deploy_step(state, access, write_image_params({{"name", "loop0"}}, info)); });
    EXPECT_EQ(e.type(), "InvalidCommandParamsError");
    EXPECT_TRUE(contains(e.details(), "image_info.disk_format")) << e.details();
    e = error_of([&] { execute_deploy_step(state, access, write_image_params({{"colour", "blue"}})); });
    EXPECT_EQ(e.type(), "InvalidCommandParamsError");
    EXPECT_TRUE(contains(e.details(), "hints.colour")) << e.details();

    // A checksum mismatch after a good write: IPA's error, and nothing remembered.
    execute_deploy_step(state, access, write_image_params({{"name", "loop0"}}));
    EXPECT_FALSE(partition_uuids(state).empty());
    fake.fail = [] { throw ingot::agent::image::ChecksumMismatch("sha256 checksum mismatch: expected aaa, got bbb"); };
    e = error_of([&] { execute_deploy_step(state, access, write_image_params({{"name", "loop0"}})); });
    EXPECT_EQ(e.type(), "ImageChecksumError");
    EXPECT_TRUE(contains(e.details(), "checksum mismatch")) << e.details();
    EXPECT_EQ(partition_uuids(state), json::object());
    fake.fail = [] { throw ingot::agent::image::DownloadError("HTTP 404"); };
    EXPECT_EQ(error_of([&] {
                  execute_deploy_step(state, access, write_image_params({{"name", "loop0"}}));
              }).type(),
              "ImageDownloadError");
    fake.fail = [] { throw ingot::Error("'sgdisk -n ...' failed with exit code 4"); };
    EXPECT_EQ(error_of([&] {
                  execute_deploy_step(state, access, write_image_params({{"name", "loop0"}}));
              }).type(),
              "ImageWriteError");
}

TEST(AgentCleanCommands, EraseMetadataCommandList) {
    EraseTarget t{"/dev/sdb", 64ull << 20, 512, {"/dev/sdb1", "/dev/sdb2"}};
    std::vector<plan::Command> want = {
        {"wipefs", "--force", "--all", "/dev/sdb2"},
        {"wipefs", "--force", "--all", "/dev/sdb1"},
        {"wipefs", "--force", "--all", "/dev/sdb"},
        {"dd", "if=/dev/zero", "of=/dev/sdb", "bs=512", "count=2048", "oflag=direct"},
        {"dd", "if=/dev/zero", "of=/dev/sdb", "bs=512", "count=2048", "oflag=direct", "seek=129024"},
        {"sgdisk", "-Z", "/dev/sdb"},
    };
    EXPECT_EQ(erase_metadata_commands(t), want);
    // 4 KiB sectors; a disk smaller than 2 MiB; one smaller than 1 MiB.
    auto cmds = erase_metadata_commands({"/dev/nvme0n1", 8ull << 20, 4096, {}});
    EXPECT_EQ(cmds[1],
              (plan::Command{"dd", "if=/dev/zero", "of=/dev/nvme0n1", "bs=4096", "count=256", "oflag=direct"}));
    EXPECT_EQ(cmds[2], (plan::Command{"dd", "if=/dev/zero", "of=/dev/nvme0n1", "bs=4096", "count=256", "oflag=direct",
                                      "seek=1792"}));
    cmds = erase_metadata_commands({"/dev/x", 1536 * 1024, 512, {}});
    EXPECT_EQ(cmds[2].back(), "seek=2048");
    EXPECT_EQ(cmds[2][4], "count=1024");
    cmds = erase_metadata_commands({"/dev/y", 512 * 1024, 512, {}});
    ASSERT_EQ(cmds.size(), 3u);
    EXPECT_EQ(cmds[1][4], "count=1024");

    EXPECT_EQ(
        erase_device_commands("/dev/sdb", 1, true),
        (std::vector<plan::Command>{{"shred", "--force", "--zero", "--verbose", "--iterations", "1", "/dev/sdb"}}));
    EXPECT_EQ(erase_device_commands("/dev/sdb", 3, false)[0],
              (plan::Command{"shred", "--force", "--verbose", "--iterations", "3", "/dev/sdb"}));

    auto target = parse_erase_target("/dev/loop4", R"({"blockdevices": [{"path": "/dev/loop4", "name": "loop4",
        "type": "loop", "size": 1048576, "log-sec": 4096, "children": [
        {"path": "/dev/loop4p1", "name": "loop4p1", "type": "part", "size": 4096, "log-sec": 4096}]}]})");
    EXPECT_EQ(target.size_bytes, 1048576u);
    EXPECT_EQ(target.sector_size, 4096u);
    EXPECT_EQ(target.partitions, std::vector<std::string>{"/dev/loop4p1"});
}

TEST(AgentCleanCommands, CleanStepsTouchOnlyEligibleDevices) {
    Fake fake;
    auto access = fake.access({.loop_devices_only = true});
    json step = {{"step", "erase_devices_metadata"}, {"interface", "deploy"}, {"priority", 99}};
    json r = execute_clean_step(access, {{"step", step}, {"node", {{"uuid", "n"}}}, {"ports", json::array()}});
    EXPECT_EQ(r, json({{"clean_result", nullptr}, {"clean_step", step}}));
    ASSERT_FALSE(fake.commands.empty());
    for (const auto& c : fake.commands) {
        std::string line;
        for (const auto& arg : c) line += arg + " ";
        EXPECT_TRUE(contains(line, "/dev/loop0")) << "only the free loop device: " << line;
        EXPECT_FALSE(contains(line, "loop1")) << line;
        EXPECT_FALSE(contains(line, "/dev/sd") || contains(line, "/dev/vd")) << line;
    }
    EXPECT_EQ(fake.commands.front(), (plan::Command{"wipefs", "--force", "--all", "/dev/loop0p2"}));

    fake.commands.clear();
    step = {{"step", "erase_devices"}, {"interface", "deploy"}, {"priority", 10}};
    r = execute_clean_step(access,
                           {{"step", step},
                            {"node",
                             {{"driver_internal_info",
                               {{"agent_erase_devices_iterations", 2}, {"agent_erase_devices_zeroize", false}}}}}});
    EXPECT_EQ(r, json({{"clean_result", {{"/dev/loop0", nullptr}}}, {"clean_step", step}}));
    EXPECT_EQ(fake.commands,
              (std::vector<plan::Command>{{"shred", "--force", "--verbose", "--iterations", "2", "/dev/loop0"}}));

    AgentError e = error_of([&] { execute_clean_step(access, {{"step", {{"step", "erase_pstore"}}}}); });
    EXPECT_EQ(e.type(), "HardwareManagerMethodNotFound");
    EXPECT_EQ(e.details(), "Could not find method: erase_pstore");

    // A failing command: the step fails naming the device and the command.
    access.runner = [](const plan::Command& argv) {
        return ingot::ProcessResult{argv[0] == "sgdisk" ? 2 : 0, false, "", "sgdisk: boom"};
    };
    e = error_of([&] { execute_clean_step(access, {{"step", {{"step", "erase_devices_metadata"}}}}); });
    EXPECT_EQ(e.type(), "BlockDeviceEraseError");
    EXPECT_TRUE(contains(e.details(), "\"/dev/loop0\"")) << e.details();
    EXPECT_TRUE(contains(e.details(), "sgdisk")) << e.details();
}

TEST(AgentPlanMode, ChoosesDisksAsTheDeployDoes) {
    Fake fake;
    auto access = fake.access({.loop_devices_only = true});
    json native = {
        {"disks", {{{"hints", {{"name", "/dev/loop0"}}}, {"partitions", {{{"name", "root"}, {"size", "remaining"}}}}}}},
        {"filesystems", {{{"device", "root"}, {"type", "ext4"}}}}};
    plan::DeployPlan p = plan_for_payload(native, "native", access);
    EXPECT_EQ(p.disks[0].device, "/dev/loop0");
    // An ironic payload as the conductor posts it goes through the deploy's builder.
    p = plan_for_payload(write_image_params({{"name", "/dev/loop0"}}), "ironic", access);
    EXPECT_EQ(p.disks[0].device, "/dev/loop0");
    EXPECT_EQ(p.images[0].url, "http://images/img-1.raw");
    // Mounted or real disks are not chosen.
    json on_mounted = native;
    on_mounted["disks"][0]["hints"] = {{"name", "/dev/loop1"}};
    EXPECT_THROW(plan_for_payload(on_mounted, "native", access), plan::PlanError);
    json bad = native;
    bad["disks"][0]["partitions"][0]["size"] = "12XB";
    try {
        plan_for_payload(bad, "native", access);
        FAIL() << "an invalid document was accepted";
    } catch (const plan::PlanError& e) {
        EXPECT_EQ(e.path(), "disks[0].partitions[0].size");
    }
    EXPECT_TRUE(fake.commands.empty()) << "plan mode runs nothing";
    EXPECT_TRUE(fake.executed.empty());
}

namespace {

// The lookup's config decides what images the write may take; until a
// lookup, and for keys absent or mistyped, the safe defaults hold.
TEST(AgentDeployCommands, TheLookupsImagePolicyReachesThePlan) {
    auto policy = image_policy_from_lookup(json::object());
    EXPECT_FALSE(policy.allow_md5);
    EXPECT_TRUE(policy.inspect);
    EXPECT_EQ(policy.permitted_formats, (std::vector<std::string>{"raw", "qcow2", "iso"}));
    policy = image_policy_from_lookup({{"agent_md5_checksum_enable", "yes"}, {"disable_deep_image_inspection", 1}});
    EXPECT_FALSE(policy.allow_md5);
    EXPECT_TRUE(policy.inspect);
    policy = image_policy_from_lookup({{"agent_md5_checksum_enable", true},
                                       {"disable_deep_image_inspection", true},
                                       {"permitted_image_formats", {"RAW", "qcow2"}}});
    EXPECT_TRUE(policy.allow_md5);
    EXPECT_FALSE(policy.inspect);
    EXPECT_EQ(policy.permitted_formats, (std::vector<std::string>{"raw", "qcow2"}));

    Fake fake;
    DeployState state;
    auto access = fake.access({.loop_devices_only = true});
    execute_deploy_step(state, access, write_image_params({{"name", "/dev/loop0"}}));
    ASSERT_EQ(fake.options.size(), 1u);
    EXPECT_FALSE(fake.options[0].image_policy.allow_md5);
    state.remember_image_policy(policy);
    execute_deploy_step(state, access, write_image_params({{"name", "/dev/loop0"}}));
    ASSERT_EQ(fake.options.size(), 2u);
    EXPECT_TRUE(fake.options[1].image_policy.allow_md5);
    EXPECT_FALSE(fake.options[1].image_policy.inspect);
}

}  // namespace
