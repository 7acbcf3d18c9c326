// The partitioning (and config drive) actions for real, on loop devices
// over files in a temporary directory. Nothing else is ever touched: disks
// are chosen only among the loop devices these tests attach, and a guard
// stops arrays, volume groups and loop devices even when a check fails.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "common/strings.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/hints.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/references.h"
#include "ramdisk-agent/plan/render.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

using namespace ingot;
using namespace ingot::agent::plan;
using nlohmann::json;

namespace {

using test::have_tool;

// Runs its commands in reverse order when it goes out of scope; failures
// are ignored because a teardown step may find nothing left to do.
class Teardown {
public:
    ~Teardown() {
        for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) test::run(*it);
    }
    void add(std::vector<std::string> argv) { steps_.push_back(std::move(argv)); }

private:
    std::vector<std::vector<std::string>> steps_;
};

class AgentPlanLoop : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"losetup", "sgdisk", "parted", "partprobe", "wipefs", "mkfs.ext4", "mkfs.vfat",
                                 "mkswap", "lsblk", "udevadm"}) {
            if (!have_tool(tool)) GTEST_SKIP() << tool << " is missing (scripts/install-deps --test installs it)";
        }
    }

    // A fresh loop device over a sparse file of `mib` MiB, detached when
    // the test ends (after teardown_'s steps); "" when the kernel refuses.
    std::string attach(std::uint64_t mib) {
        loops_.push_back(std::make_unique<test::LoopDevice>(mib << 20));
        return loops_.back()->device();
    }

    // The plan from a native document, its disks chosen among our loop
    // devices only (by name hint), prepared as a deploy would.
    DeployPlan plan_for(json doc, const std::vector<std::string>& loops) {
        for (size_t i = 0; i < loops.size(); ++i) doc["disks"][i]["hints"] = {{"name", loops[i]}};
        doc["work_dir"] = dir_.path() + "/work";
        DeployPlan plan = input_drivers().create("native")->parse(doc);
        std::vector<std::string> argv = {"lsblk", "--json", "--bytes", "-o", kLsblkColumns};
        argv.insert(argv.end(), loops.begin(), loops.end());
        auto r = test::run(argv);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        resolve_disks(plan, parse_lsblk(r.out, {.include_loop = true}));
        prepare_plan(plan);
        return plan;
    }

    // lsblk's view of `dev` and its partitions. lsblk takes FSTYPE, LABEL
    // and PARTLABEL from the udev database; where no udev runs (containers)
    // they come back null, so they are filled from blkid's own probe.
    json lsblk(const std::string& dev) {
        auto r = test::run({"lsblk", "--json", "--bytes", "-o", "NAME,SIZE,PARTLABEL,FSTYPE,LABEL", dev});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        json disk = json::parse(r.out)["blockdevices"][0];
        for (auto& child : disk["children"]) {
            if (!child["fstype"].is_null() || !child["partlabel"].is_null()) continue;
            auto probe = test::run({"blkid", "-p", "-o", "export", "/dev/" + child["name"].get<std::string>()});
            for (const auto& line : split(probe.out, '\n')) {
                auto eq = line.find('=');
                if (eq == std::string::npos) continue;
                std::string key = line.substr(0, eq), value = line.substr(eq + 1);
                if (key == "TYPE") child["fstype"] = value;
                if (key == "LABEL") child["label"] = value;
                if (key == "PART_ENTRY_NAME") child["partlabel"] = value;
            }
        }
        return disk;
    }

    test::TempDir dir_;
    std::vector<std::unique_ptr<test::LoopDevice>> loops_;
    Teardown teardown_;  // declared after loops_: arrays and VGs stop before the loops go
};

#define ATTACH_OR_SKIP(var, mib)   \
    std::string var = attach(mib); \
    if (var.empty()) GTEST_SKIP() << "the kernel refuses loop devices here (losetup failed)";

}  // namespace

TEST_F(AgentPlanLoop, GptWithEspRootSwapAndConfigDrive) {
    ATTACH_OR_SKIP(loop, 256);
    if (!have_tool("genisoimage")) GTEST_SKIP() << "genisoimage is missing";
    DeployPlan plan = plan_for(json::parse(R"({
      "disks": [{"partitions": [
        {"name": "esp", "size": "64MiB", "flags": ["esp"]},
        {"name": "swap", "size": 16},
        {"name": "root", "size": "remaining"}]}],
      "filesystems": [{"device": "esp", "type": "vfat", "label": "ESP"},
                      {"device": "swap", "type": "swap", "label": "swap0"},
                      {"device": "root", "type": "ext4", "label": "root"}],
      "configdrive": {"meta_data": {"uuid": "0f4d"}, "user_data": "#cloud-config\n",
                      "network_data": {"links": []}}})"),
                               {loop});
    ASSERT_EQ(plan.disks[0].partitions.size(), 4u);  // config-2 reserved at the end

    actions().create("partitioning")->run(plan, process_runner());
    actions().create("configdrive")->run(plan, process_runner());

    auto p = test::run({"sgdisk", "-p", loop});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_NE(p.out.find("EF00  esp"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("8200  swap"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("8300  root"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("8300  config-2"), std::string::npos) << p.out;

    json disk = lsblk(loop);
    ASSERT_EQ(disk["children"].size(), 4u) << disk.dump(2);
    auto child = [&](int i) { return disk["children"][i]; };
    EXPECT_EQ(child(0)["partlabel"], "esp");
    EXPECT_EQ(child(0)["size"], 64ull << 20);
    EXPECT_EQ(child(0)["fstype"], "vfat");
    EXPECT_EQ(child(0)["label"], "ESP");
    EXPECT_EQ(child(1)["fstype"], "swap");
    EXPECT_EQ(child(1)["label"], "swap0");
    EXPECT_EQ(child(2)["partlabel"], "root");
    EXPECT_EQ(child(2)["fstype"], "ext4");
    EXPECT_EQ(child(2)["size"], (256ull - 2 - 64 - 16 - 64) << 20);
    EXPECT_EQ(child(3)["partlabel"], "config-2");
    EXPECT_EQ(child(3)["fstype"], "iso9660");
    EXPECT_EQ(child(3)["label"], "config-2");
    // The ISO holds what cloud-init reads.
    auto iso = test::run({"isoinfo", "-R", "-f", "-i", partition_path(loop, 4)});
    ASSERT_EQ(iso.exit_code, 0) << iso.err;
    EXPECT_NE(iso.out.find("/openstack/latest/meta_data.json"), std::string::npos) << iso.out;
}

TEST_F(AgentPlanLoop, Msdos) {
    ATTACH_OR_SKIP(loop, 128);
    DeployPlan plan = plan_for(json::parse(R"({
      "disks": [{"label": "msdos", "partitions": [
        {"name": "boot", "size": 32, "flags": ["boot"]},
        {"name": "swap", "size": 16},
        {"name": "root", "size": "remaining"}]}],
      "filesystems": [{"device": "boot", "type": "ext4", "label": "boot"},
                      {"device": "swap", "type": "swap"},
                      {"device": "root", "type": "ext4", "label": "root"}]})"),
                               {loop});
    actions().create("partitioning")->run(plan, process_runner());

    auto p = test::run({"parted", "-s", "-m", loop, "unit", "MiB", "print"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_NE(p.out.find(":msdos:"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("1:1.00MiB:33.0MiB:32.0MiB:ext4::boot;"), std::string::npos) << p.out;
    EXPECT_NE(p.out.find("2:33.0MiB:49.0MiB:16.0MiB:linux-swap(v1)::"), std::string::npos) << p.out;
    json disk = lsblk(loop);
    ASSERT_EQ(disk["children"].size(), 3u) << disk.dump(2);
    EXPECT_EQ(disk["children"][0]["label"], "boot");
    EXPECT_EQ(disk["children"][1]["fstype"], "swap");
    EXPECT_EQ(disk["children"][2]["label"], "root");
}

TEST_F(AgentPlanLoop, LvmOnRaid1) {
    if (!std::filesystem::exists("/proc/mdstat")) GTEST_SKIP() << "the kernel has no MD RAID (/proc/mdstat missing)";
    if (!have_tool("mdadm") || !have_tool("pvcreate")) GTEST_SKIP() << "mdadm or lvm2 is missing";
    if (test::run({"dmsetup", "version"}).exit_code != 0) GTEST_SKIP() << "the kernel has no device-mapper";
    ATTACH_OR_SKIP(a, 128);
    ATTACH_OR_SKIP(b, 128);
    // Unique names: a leftover from a crashed run must not collide.
    std::string md = "ingot-t" + std::to_string(getpid());
    std::string vg = "ingot_t" + std::to_string(getpid());
    json doc = {
        {"disks",
         {{{"id", "a"}, {"partitions", {{{"name", "a1"}, {"size", "remaining"}, {"flags", {"raid"}}}}}},
          {{"id", "b"}, {"partitions", {{{"name", "b1"}, {"size", "remaining"}, {"flags", {"raid"}}}}}}}},
        {"raid", {{{"name", md}, {"level", 1}, {"members", {"a1", "b1"}}}}},
        {"lvm",
         {{"vgs", {{{"name", vg}, {"pvs", {md}}}}}, {"lvs", {{{"name", "root"}, {"vg", vg}, {"size", "remaining"}}}}}},
        {"filesystems", {{{"device", vg + "/root"}, {"type", "ext4"}, {"label", "lvroot"}}}},
    };
    DeployPlan plan = plan_for(doc, {a, b});
    // Torn down in reverse: volume group, then array, then (already queued) loops.
    teardown_.add({"mdadm", "--zero-superblock", partition_path(a, 1)});
    teardown_.add({"mdadm", "--zero-superblock", partition_path(b, 1)});
    teardown_.add({"mdadm", "--stop", "/dev/md/" + md});
    teardown_.add({"vgremove", "-f", vg});
    teardown_.add({"vgchange", "-an", vg});

    actions().create("partitioning")->run(plan, process_runner());

    auto detail = test::run({"mdadm", "--detail", "/dev/md/" + md});
    EXPECT_NE(detail.out.find("raid1"), std::string::npos) << detail.out;
    auto lvs = test::run({"lvs", "--noheadings", "-o", "lv_name,vg_name", vg});
    EXPECT_NE(lvs.out.find("root"), std::string::npos) << lvs.out << lvs.err;
    auto fs = test::run({"blkid", "-o", "value", "-s", "LABEL", "/dev/" + vg + "/root"});
    EXPECT_EQ(trim(fs.out), "lvroot");
}

TEST_F(AgentPlanLoop, PlanFromFileDiscoversAndTouchesNothing) {
    ATTACH_OR_SKIP(loop, 64);
    std::string path = dir_.path() + "/plan.json";
    std::ofstream(path) << json{
        {"disks", {{{"hints", {{"name", loop}}}, {"partitions", {{{"name", "root"}, {"size", "remaining"}}}}}}},
        {"filesystems",
         {{{"device", "root"},
           {"type", "ext4"}}}}}.dump();
    DeployPlan plan = plan_from_file(path, "native", {.include_loop = true});
    EXPECT_EQ(plan.disks[0].device, loop);
    EXPECT_EQ(plan.disks[0].size_mib, 64u);
    std::string text = render_plan(plan);
    EXPECT_NE(text.find("sgdisk -n 1:0:0 -t 1:8300 -c 1:root " + loop + "\n"), std::string::npos) << text;
    EXPECT_NE(text.find("mkfs.ext4 -F -q " + partition_path(loop, 1) + "\n"), std::string::npos) << text;
    // Nothing was written: the device still has no partition table.
    auto p = test::run({"sgdisk", "-p", loop});
    EXPECT_EQ(p.out.find("root"), std::string::npos) << p.out;
    auto wipe = test::run({"wipefs", "--no-act", loop});
    EXPECT_EQ(trim(wipe.out), "") << wipe.out;
}
