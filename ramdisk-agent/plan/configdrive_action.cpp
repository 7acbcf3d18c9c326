// The configdrive action: an ISO9660 image labelled config-2 (what
// cloud-init's ConfigDrive datasource looks for), built from the JSON parts
// or decoded from Ironic's gzip+base64 string, written to the config-2
// partition. For a whole-disk image that partition is added after the image
// at the end of the disk, as ironic-python-agent does.
#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::plan {

namespace {

namespace fs = std::filesystem;

std::optional<std::string> base64_decode(const std::string& in) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=' || c == '\n' || c == '\r') continue;
        auto pos = alphabet.find(c);
        if (pos == std::string::npos) return std::nullopt;
        buffer = (buffer << 6) | unsigned(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((buffer >> bits) & 0xff));
        }
    }
    return out;
}

const Partition* config_partition(const DeployPlan& plan) {
    for (const auto& d : plan.disks) {
        for (const auto& p : d.partitions) {
            if (p.name == kConfigDriveName) return &p;
        }
    }
    return nullptr;
}

bool partitions_anything(const DeployPlan& plan) {
    for (const auto& d : plan.disks) {
        if (!d.partitions.empty()) return true;
    }
    return false;
}

std::string iso_path(const DeployPlan& plan) {
    return plan.work_dir + "/configdrive.iso";
}
std::string stage_dir(const DeployPlan& plan) {
    return plan.work_dir + "/configdrive";
}

void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << content;
    if (!f) throw Error("cannot write " + path.string());
}

class ConfigDriveAction : public Action {
public:
    void validate(DeployPlan& plan) const override {
        if (!plan.configdrive) return;
        if (plan.configdrive->is_prebuilt()) {
            auto raw = base64_decode(plan.configdrive->gzip_base64);
            if (!raw || raw->size() < 2 || (*raw)[0] != '\x1f' || (*raw)[1] != '\x8b') {
                throw PlanError("configdrive",
                                "is neither gzip+base64 nor an object of meta_data/user_data/network_data");
            }
        }
        if (partitions_anything(plan) && !config_partition(plan)) {
            throw PlanError("configdrive", "needs a config-2 partition (the partitioning action reserves one)");
        }
    }

    std::vector<Command> commands(const DeployPlan& plan) const override {
        if (!plan.configdrive) return {};
        std::vector<Command> out;
        std::string iso = iso_path(plan);
        if (plan.configdrive->is_prebuilt()) {
            out.push_back({"gunzip", "-f", iso + ".gz"});
        } else {
            out.push_back({"genisoimage", "-o", iso, "-ldots", "-allow-lowercase", "-allow-multidot", "-l", "-J", "-r",
                           "-quiet", "-publisher", "ingot", "-V", "config-2", stage_dir(plan)});
        }
        std::string target;
        if (partitions_anything(plan)) {
            target = device_path(plan, kConfigDriveName);
        } else {
            // Whole-disk image: its GPT's backup header moves to the real end
            // of the disk, and the last 64 MiB become config-2.
            std::string disk = plan.disks.front().device;
            out.push_back({"sgdisk", "-e", disk});
            out.push_back({"sgdisk", "-n", "0:-" + std::to_string(kConfigDriveMiB) + "M:0", "-c", "0:config-2", disk});
            out.push_back({"partprobe", disk});
            out.push_back({"udevadm", "settle"});
            target = "/dev/disk/by-partlabel/config-2";
        }
        out.push_back({"dd", "if=" + iso, "of=" + target, "bs=1M", "conv=fsync"});
        return out;
    }

    std::vector<std::string> notes(const DeployPlan& plan) const override {
        if (!plan.configdrive) return {};
        if (plan.configdrive->is_prebuilt()) return {"decode the config drive into " + iso_path(plan) + ".gz"};
        return {"write openstack/latest/{meta_data.json,user_data,network_data.json} under " + stage_dir(plan)};
    }

    void run(const DeployPlan& plan, const CommandRunner& runner) const override {
        if (!plan.configdrive) return;
        const ConfigDrive& cd = *plan.configdrive;
        fs::create_directories(plan.work_dir);
        if (cd.is_prebuilt()) {
            write_file(iso_path(plan) + ".gz", *base64_decode(cd.gzip_base64));
        } else {
            fs::path latest = fs::path(stage_dir(plan)) / "openstack" / "latest";
            fs::remove_all(stage_dir(plan));
            write_file(latest / "meta_data.json", cd.meta_data.dump());
            if (!cd.user_data.empty()) write_file(latest / "user_data", cd.user_data);
            if (!cd.network_data.is_null()) write_file(latest / "network_data.json", cd.network_data.dump());
        }
        auto cmds = commands(plan);
        run_commands({cmds.front()}, runner);
        // Checked before anything is written: an oversized ISO would be cut short.
        if (fs::file_size(iso_path(plan)) > kConfigDriveMiB << 20) {
            throw Error("the config drive is larger than " + std::to_string(kConfigDriveMiB) + " MiB");
        }
        run_commands({cmds.begin() + 1, cmds.end()}, runner);
    }
};

}  // namespace

std::unique_ptr<Action> make_configdrive_action() {
    return std::make_unique<ConfigDriveAction>();
}

}  // namespace ingot::agent::plan
