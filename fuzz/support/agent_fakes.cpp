#include "fuzz/support/agent_fakes.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "fuzz/support/fuzz_support.h"

namespace ingot::fuzz {

namespace {

const char* kLsblk = R"({"blockdevices": [
  {"name": "vda", "path": "/dev/vda", "type": "disk", "size": 21474836480, "mountpoint": null,
   "children": [{"name": "vda1", "path": "/dev/vda1", "type": "part", "mountpoint": "/"}]},
  {"name": "sdb", "path": "/dev/sdb", "type": "disk", "size": 10737418240, "serial": "DATA1", "mountpoint": null,
   "children": [{"name": "sdb1", "path": "/dev/sdb1", "type": "part", "mountpoint": "/data"}]},
  {"name": "sdc", "path": "/dev/sdc", "type": "disk", "size": 10737418240, "serial": "S3Z2", "rota": true,
   "mountpoint": null},
  {"name": "loop0", "path": "/dev/loop0", "type": "loop", "size": 67108864, "mountpoint": null}
]})";

}  // namespace

agent::service::DiskAccess fake_disk_access() {
    agent::service::DiskAccess a;
    a.policy.allow_disk_writes = true;
    a.pid = 4242;
    a.discover = [](const agent::plan::DiscoveryOptions& o) { return agent::plan::parse_lsblk(kLsblk, o); };
    a.busy = [] { return agent::service::BusyDevices{}; };
    a.kernel_name = [](const std::string& path) { return path.substr(path.find_last_of('/') + 1); };
    a.runner = a.long_runner = [](const agent::plan::Command&) { return ProcessResult{0, false, "", ""}; };
    a.inspect = [](const agent::plan::Command& argv) {
        const std::string dev = argv.back();
        nlohmann::json node = {{"path", dev}, {"type", "disk"}, {"size", 10737418240}, {"log-sec", 512}};
        return ProcessResult{0, false, nlohmann::json{{"blockdevices", {node}}}.dump(), ""};
    };
    a.execute = [](agent::plan::DeployPlan&, const agent::plan::ExecuteOptions&) {
        return agent::plan::ExecuteResult{"ROOT-UUID", "", {}};
    };
    return a;
}

const std::vector<std::string>& eligible_devices() {
    static const std::vector<std::string> devices = [] {
        std::vector<std::string> out;
        for (const auto& d : agent::service::candidates(fake_disk_access()).eligible) out.push_back(d.name);
        for (const auto& d : out) check(d != "/dev/vda" && d != "/dev/sdb", "a busy disk is eligible: " + d);
        check(!out.empty(), "no canned disk is eligible");
        return out;
    }();
    return devices;
}

bool targets_only_eligible(const agent::plan::DeployPlan& plan) {
    const auto& ok = eligible_devices();
    for (const auto& disk : plan.disks)
        if (std::find(ok.begin(), ok.end(), disk.device) == ok.end()) return false;
    return true;
}

}  // namespace ingot::fuzz
