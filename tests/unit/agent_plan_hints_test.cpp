// Root device hints against canned `lsblk --json` output: the disk holding
// "/" is never a candidate, and Ironic's operators behave as Ironic's do.
#include <gtest/gtest.h>

#include "ramdisk-agent/plan/hints.h"
#include "ramdisk-agent/plan/plan_error.h"

using namespace ingot::agent::plan;
using nlohmann::json;

namespace {

// vda holds / (through a partition) and zram0 is RAM, so only sdb, sdc and nvme0n1 count.
const char* kLsblk = R"({"blockdevices": [
  {"name": "vda", "path": "/dev/vda", "type": "disk", "size": 21474836480, "model": "QEMU HARDDISK",
   "vendor": "QEMU", "serial": "ROOTDISK", "wwn": null, "rota": true, "hctl": "0:0:0:0", "mountpoint": null,
   "children": [{"name": "vda1", "type": "part", "size": 21473787904, "mountpoint": "/"}]},
  {"name": "sdb", "path": "/dev/sdb", "type": "disk", "size": 1000204886016, "model": "ST1000DM010-2EP1",
   "vendor": "ATA     ", "serial": "Z9A1", "wwn": "0x5000c500a1b2c3d4", "rota": true, "hctl": "1:0:0:0", "mountpoint": null},
  {"name": "sdc", "path": "/dev/sdc", "type": "disk", "size": "240057409536", "model": "Samsung SSD 860",
   "vendor": "ATA", "serial": "S3Z2", "wwn": "0x5002538e40a1b2c3", "rota": "0", "hctl": "2:0:0:0", "mountpoint": null},
  {"name": "nvme0n1", "path": "/dev/nvme0n1", "type": "disk", "size": 512110190592, "model": "Samsung SSD 970 EVO",
   "vendor": null, "serial": "S4EV", "wwn": "eui.0025", "rota": false, "hctl": null, "mountpoints": [null]},
  {"name": "loop0", "path": "/dev/loop0", "type": "loop", "size": 67108864, "rota": false, "mountpoint": null},
  {"name": "zram0", "path": "/dev/zram0", "type": "disk", "size": 8589934592, "rota": false, "mountpoints": ["[SWAP]"]},
  {"name": "sr0", "path": "/dev/sr0", "type": "rom", "size": 1073741312, "rota": true, "mountpoint": null}
]})";

std::vector<std::string> names(const json& hints, bool loops = false) {
    std::vector<std::string> out;
    for (const auto& d : parse_lsblk(kLsblk, {loops})) {
        if (matches_hints(d, hints)) out.push_back(d.name);
    }
    return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST(AgentPlanHints, ParseDropsTheRootDiskAndNonDisks) {
    auto devices = parse_lsblk(kLsblk);
    ASSERT_EQ(devices.size(), 3u);
    EXPECT_EQ(devices[0].name, "/dev/sdb");
    EXPECT_EQ(devices[0].vendor, "ATA");  // lsblk pads vendors
    EXPECT_TRUE(devices[0].rotational);
    EXPECT_EQ(devices[1].size_bytes, 240057409536u);  // older lsblk prints sizes as strings
    EXPECT_FALSE(devices[1].rotational);
    EXPECT_EQ(parse_lsblk(kLsblk, {true}).size(), 4u);  // loops only when asked for
    // The root disk stays out even when a mountpoints list names /.
    auto root_in_list = R"({"blockdevices": [{"name": "sda", "type": "disk", "size": 1,
        "children": [{"name": "sda2", "type": "part", "mountpoints": ["/boot", "/"]}]}]})";
    EXPECT_TRUE(parse_lsblk(root_in_list).empty());
}

TEST(AgentPlanHints, Operators) {
    EXPECT_EQ(names({{"size", 931}}), V{"/dev/sdb"});
    EXPECT_EQ(names({{"size", "<= 300"}}), V{"/dev/sdc"});
    EXPECT_EQ(names({{"size", ">= 400"}}), (V{"/dev/sdb", "/dev/nvme0n1"}));
    EXPECT_EQ(names({{"size", "> 476"}}), V{"/dev/sdb"});
    EXPECT_EQ(names({{"size", "!= 931"}}), (V{"/dev/sdc", "/dev/nvme0n1"}));
    EXPECT_EQ(names({{"size", "<or> 223 <or> 476"}}), (V{"/dev/sdc", "/dev/nvme0n1"}));
    EXPECT_EQ(names({{"model", "Samsung SSD 860"}}), V{"/dev/sdc"});
    EXPECT_EQ(names({{"model", "s== Samsung SSD 860"}}), V{"/dev/sdc"});
    EXPECT_EQ(names({{"model", "<in> Samsung"}}), (V{"/dev/sdc", "/dev/nvme0n1"}));
    EXPECT_EQ(names({{"model", "s!= Samsung SSD 860"}}), (V{"/dev/sdb", "/dev/nvme0n1"}));
    EXPECT_EQ(names({{"serial", "<or> Z9A1 <or> S4EV"}}), (V{"/dev/sdb", "/dev/nvme0n1"}));
    EXPECT_EQ(names({{"wwn", "0x5002538e40a1b2c3"}}), V{"/dev/sdc"});
    EXPECT_EQ(names({{"hctl", "1:0:0:0"}}), V{"/dev/sdb"});
    EXPECT_EQ(names({{"rotational", false}}), (V{"/dev/sdc", "/dev/nvme0n1"}));
    EXPECT_EQ(names({{"rotational", "true"}}), V{"/dev/sdb"});
    EXPECT_EQ(names({{"name", "nvme0n1"}}), V{"/dev/nvme0n1"});  // Ironic adds /dev/
    EXPECT_EQ(names({{"name", "/dev/vda"}}), V{});               // the root disk, never
    EXPECT_EQ(names({{"vendor", "ATA"}, {"rotational", false}}), V{"/dev/sdc"});
    EXPECT_EQ(names({{"name", "/dev/loop0"}}, true), V{"/dev/loop0"});
}

TEST(AgentPlanHints, SelectionAndResolution) {
    auto devices = parse_lsblk(kLsblk);
    // No hints: the smallest disk of at least 4 GiB, as IPA picks.
    EXPECT_EQ(select_device(devices, json::object())->name, "/dev/sdc");
    EXPECT_EQ(select_device(devices, {{"rotational", true}})->name, "/dev/sdb");
    EXPECT_FALSE(select_device(devices, {{"serial", "nope"}}));

    DeployPlan plan;
    plan.disks.push_back({"a", json::object()});
    plan.disks.push_back({"b", json::object()});
    resolve_disks(plan, devices);
    EXPECT_EQ(plan.disks[0].device, "/dev/sdc");
    EXPECT_EQ(plan.disks[0].size_mib, 228936u);
    EXPECT_EQ(plan.disks[1].device, "/dev/nvme0n1");  // each disk gets its own device

    DeployPlan missing;
    missing.disks.push_back({"a", {{"name", "vda"}}});
    try {
        resolve_disks(missing, devices);
        FAIL();
    } catch (const PlanError& e) {
        EXPECT_EQ(e.path(), "disks[0].hints");
    }
}

TEST(AgentPlanHints, BadHintsAreRefusedWithPath) {
    auto msg = [](const json& hints) {
        try {
            validate_hints(hints, "disks[0].hints");
        } catch (const PlanError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(msg({{"size", "<= lots"}}),
              "disks[0].hints.size: \"<= lots\" is not an integer comparison (size is in GiB)");
    EXPECT_EQ(msg({{"model", 7}}), "disks[0].hints.model: must be a string");
    EXPECT_EQ(msg({{"serial", "s=="}}), "disks[0].hints.serial: \"s==\" has no value");
    EXPECT_EQ(msg(json::array()), "disks[0].hints: root device hints must be an object");
    EXPECT_EQ(msg({{"size", ">= 100"}, {"rotational", false}, {"model", "<in> SSD"}}), "");
}

TEST(AgentPlanHints, LoopDevicesOnlyDropsEveryRealDisk) {
    // --loop-devices-only: no hint can reach a real disk, whatever it says.
    auto devices = parse_lsblk(kLsblk, {.include_loop = true, .only_loop = true});
    ASSERT_EQ(devices.size(), 1u);
    EXPECT_EQ(devices[0].name, "/dev/loop0");
    EXPECT_EQ(devices[0].type, "loop");
    EXPECT_FALSE(select_device(devices, {{"name", "sdb"}}));
    EXPECT_FALSE(select_device(devices, {{"serial", "S3Z2"}}));
    // only_loop alone is enough.
    EXPECT_EQ(parse_lsblk(kLsblk, {.only_loop = true}).size(), 1u);
}

TEST(AgentPlanHints, MountPointsOfTheWholeTreeAreRecorded) {
    auto text = R"({"blockdevices": [
      {"name": "sdb", "path": "/dev/sdb", "type": "disk", "size": 1, "mountpoint": null, "children": [
        {"name": "sdb1", "type": "part", "mountpoint": "/data"},
        {"name": "sdb2", "type": "part", "mountpoint": null, "children": [
          {"name": "vg-swap", "type": "lvm", "mountpoints": ["[SWAP]", null]}]}]},
      {"name": "sdc", "path": "/dev/sdc", "type": "disk", "size": 1, "mountpoints": [null]}]})";
    auto devices = parse_lsblk(text);
    ASSERT_EQ(devices.size(), 2u);
    EXPECT_EQ(devices[0].mountpoints, (V{"/data", "[SWAP]"}));
    EXPECT_EQ(devices[0].type, "disk");
    EXPECT_TRUE(devices[1].mountpoints.empty());
}
