// The configdrive action: an ISO9660 image labelled config-2 (what
// cloud-init's ConfigDrive datasource looks for), either decoded from
// Ironic's gzip+base64 string or built from the JSON parts the way Ironic's
// build_configdrive (openstacksdk's configdrive builder) lays them out:
//
//   openstack/{2012-08-10,latest}/meta_data.json
//                                /user_data          (when given)
//                                /network_data.json  (when given)
//                                /vendor_data2.json  (when given)
//
// then written to the config-2 partition. For a whole-disk image that
// partition is added after the image is written, at the end of the disk, as
// ironic-python-agent does: GPT images get their backup header moved to the
// real end of the disk first (sgdisk -e), msdos images a primary partition
// in the free space at the end (parted). Everything that can be checked
// without touching a disk (the base64, the gzip stream, the size) is
// checked by validate(), so a bad config drive fails a deploy before the
// partitioning starts.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "common/errors.h"
#include "common/log.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/block_devices.h"
#include "ramdisk-agent/plan/partitioning.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::plan {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1ull << 20;

std::optional<std::string> base64_decode(const std::string& in) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    bool padding = false;
    for (char c : in) {
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        auto pos = alphabet.find(c);
        if (pos == std::string::npos || padding) return std::nullopt;  // data after '=' is not base64 either
        buffer = (buffer << 6) | unsigned(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((buffer >> bits) & 0xff));
        }
    }
    return out;
}

// Gunzips `in` (concatenated members too); nullopt with `error` set when it
// is not a complete gzip stream, or when it inflates past `limit` bytes
// (then `error` is empty and `too_large` set).
std::optional<std::string> gunzip(const std::string& in, std::uint64_t limit, std::string& error, bool& too_large) {
    too_large = false;
    if (in.size() < 2 || in[0] != '\x1f' || in[1] != '\x8b') {
        error = "not gzip data";
        return std::nullopt;
    }
    std::string out;
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        error = "zlib cannot start";
        return std::nullopt;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    char buf[1 << 16];
    int rc = Z_OK;
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf, sizeof buf - z.avail_out);
        if (out.size() > limit) {
            too_large = true;
            break;
        }
        if (rc == Z_STREAM_END) {
            if (z.avail_in == 0) break;
            inflateReset(&z);  // another member follows
            continue;
        }
        if (rc != Z_OK) {
            error = z.msg ? z.msg : "corrupt gzip data";
            break;
        }
        if (z.avail_in == 0 && z.avail_out != 0) {
            error = "the gzip stream is truncated";
            rc = Z_DATA_ERROR;
            break;
        }
    }
    inflateEnd(&z);
    if (too_large || rc != Z_STREAM_END) return std::nullopt;
    return out;
}

const Partition* config_partition(const DeployPlan& plan, const Disk** disk_out = nullptr) {
    for (const auto& d : plan.disks) {
        for (const auto& p : d.partitions) {
            if (p.name == kConfigDriveName) {
                if (disk_out) *disk_out = &d;
                return &p;
            }
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

// The disk a whole-disk image goes to, when the plan writes one.
const Disk* whole_disk_target(const DeployPlan& plan) {
    for (const auto& img : plan.images) {
        auto r = find_referent(plan, img.target);
        if (r && r->kind == Referent::Kind::disk) return r->disk;
    }
    return nullptr;
}

// The largest ISO the config-2 partition the plan reserves can take.
std::uint64_t partition_limit(const DeployPlan& plan) {
    const Disk* disk = nullptr;
    const Partition* part = config_partition(plan, &disk);
    if (!part || disk->size_mib == 0) return kConfigDriveMiB * kMiB;
    try {
        auto sizes = partition_sizes_mib(*disk, "disks");
        return sizes.at(static_cast<size_t>(part->number - 1)) * kMiB;
    } catch (const std::exception&) {
        return kConfigDriveMiB * kMiB;  // partitioning's own validation reports the problem
    }
}

std::string iso_path(const DeployPlan& plan) {
    return plan.work_dir + "/configdrive.iso";
}
std::string stage_dir(const DeployPlan& plan) {
    return plan.work_dir + "/configdrive";
}

// The config drive holds the user's data (passwords, keys): its files are
// the agent's alone (0600, under a 0700 staging directory).
void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        if (fd >= 0) ::close(fd);
        throw Error("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    const bool ok = done == content.size() && ::close(fd) == 0;
    if (!ok) throw Error("cannot write " + path.string());
}

// A private staging directory, emptied first.
void make_stage_dir(const DeployPlan& plan) {
    fs::remove_all(stage_dir(plan));
    fs::create_directories(stage_dir(plan));
    fs::permissions(stage_dir(plan), fs::perms::owner_all, fs::perm_options::replace);
}

Command genisoimage_command(const DeployPlan& plan) {
    return {"genisoimage",
            "-o",
            iso_path(plan),
            "-ldots",
            "-allow-lowercase",
            "-allow-multidot",
            "-l",
            "-publisher",
            "ingot",
            "-quiet",
            "-J",
            "-r",
            "-V",
            "config-2",
            stage_dir(plan)};
}

Command dd_command(const DeployPlan& plan, const std::string& target) {
    return {"dd", "if=" + iso_path(plan), "of=" + target, "bs=1M", "conv=fsync"};
}

// The ISO's files, with the metadata versions Ironic's builder writes.
void stage_files(const DeployPlan& plan) {
    const ConfigDrive& cd = *plan.configdrive;
    make_stage_dir(plan);
    for (const char* version : {"2012-08-10", "latest"}) {
        fs::path dir = fs::path(stage_dir(plan)) / "openstack" / version;
        write_file(dir / "meta_data.json", (cd.meta_data.is_null() ? nlohmann::json::object() : cd.meta_data).dump());
        if (!cd.user_data.empty()) write_file(dir / "user_data", cd.user_data);
        if (!cd.network_data.is_null() && !cd.network_data.empty())
            write_file(dir / "network_data.json", cd.network_data.dump());
        if (!cd.vendor_data.is_null() && !cd.vendor_data.empty())
            write_file(dir / "vendor_data2.json", cd.vendor_data.dump());
    }
}

// Removes the staged files and the ISO (they hold the user's data) when the
// action ends, whatever happened.
struct StagingCleanup {
    const DeployPlan& plan;
    ~StagingCleanup() {
        std::error_code ec;
        fs::remove_all(stage_dir(plan), ec);
        fs::remove(iso_path(plan), ec);
    }
};

class ConfigDriveAction : public Action {
public:
    void validate(DeployPlan& plan) const override {
        if (!plan.configdrive) return;
        if (plan.configdrive->is_prebuilt()) decode(plan, partition_limit(plan));
        if (partitions_anything(plan)) {
            if (!config_partition(plan))
                throw PlanError("configdrive", "needs a config-2 partition (the partitioning action reserves one)");
        } else if (!whole_disk_target(plan)) {
            throw PlanError("configdrive",
                            "the plan neither partitions a disk nor writes a whole-disk image: "
                            "there is nowhere to put a config-2 partition");
        }
    }

    std::vector<Command> commands(const DeployPlan& plan) const override {
        if (!plan.configdrive) return {};
        std::vector<Command> out;
        if (!plan.configdrive->is_prebuilt()) out.push_back(genisoimage_command(plan));
        if (partitions_anything(plan)) {
            out.push_back(dd_command(plan, device_path(plan, kConfigDriveName)));
            return out;
        }
        // Whole-disk image, shown for a GPT image (an msdos one gets
        // `parted -s -a optimal -- DISK unit MiB mkpart primary -64MiB 100%`).
        const Disk* disk = whole_disk_target(plan);
        std::string dev = disk ? disk->device : "";
        out.push_back({"sgdisk", "-e", dev});
        out.push_back(new_gpt_partition_command(dev));
        out.push_back({"partprobe", dev});
        out.push_back({"udevadm", "settle"});
        out.push_back(dd_command(plan, "<the new config-2 partition of " + dev + ">"));
        return out;
    }

    std::vector<std::string> notes(const DeployPlan& plan) const override {
        if (!plan.configdrive) return {};
        std::vector<std::string> out;
        if (plan.configdrive->is_prebuilt()) {
            out.push_back("decode the config drive (base64, gzip) into " + iso_path(plan));
        } else {
            out.push_back(
                "write openstack/{2012-08-10,latest}/{meta_data.json,user_data,network_data.json,"
                "vendor_data2.json} under " +
                stage_dir(plan));
        }
        if (!partitions_anything(plan)) {
            out.push_back(
                "after the image: a 64 MiB config-2 partition at the end of the disk (GPT: sgdisk; "
                "msdos: parted mkpart primary -64MiB 100%)");
        }
        return out;
    }

    void run(const DeployPlan& plan, const CommandRunner& runner) const override {
        if (!plan.configdrive) return;
        fs::create_directories(plan.work_dir);
        StagingCleanup cleanup{plan};
        if (plan.configdrive->is_prebuilt()) {
            write_file(iso_path(plan), decode(plan, partition_limit(plan)));
        } else {
            stage_files(plan);
            write_file(iso_path(plan), "");  // genisoimage keeps the mode of the file it truncates
            run_command(genisoimage_command(plan), runner);
        }
        std::uint64_t iso_size = fs::file_size(iso_path(plan));
        if (iso_size > kConfigDriveMiB * kMiB && !partitions_anything(plan)) {
            throw Error("the config drive is " + std::to_string(iso_size) + " bytes, more than the " +
                        std::to_string(kConfigDriveMiB) + " MiB a config-2 partition holds");
        }
        std::string target =
            partitions_anything(plan) ? device_path(plan, kConfigDriveName) : add_partition_after_image(plan, runner);
        wait_for_block_device(target);
        std::uint64_t room = device_size_bytes(runner, target);
        if (iso_size > room) {
            throw Error("the config drive is " + std::to_string(iso_size) + " bytes, partition " + target + " holds " +
                        std::to_string(room) + " bytes");
        }
        run_command(dd_command(plan, target), runner);
        log::info("agent.plan.configdrive_written", {{"device", target}, {"bytes", std::to_string(iso_size)}});
    }

private:
    static Command new_gpt_partition_command(const std::string& disk) {
        return {"sgdisk",
                "-n",
                "0:-" + std::to_string(kConfigDriveMiB) + "M:0",
                "-t",
                "0:8300",
                "-c",
                "0:" + std::string(kConfigDriveName),
                disk};
    }

    // The ISO bytes of a gzip+base64 config drive; PlanError when it is not one.
    static std::string decode(const DeployPlan& plan, std::uint64_t limit) {
        auto raw = base64_decode(plan.configdrive->gzip_base64);
        if (!raw || raw->empty())
            throw PlanError("configdrive", "is neither gzip+base64 nor an object of meta_data/user_data/network_data");
        std::string error;
        bool too_large = false;
        auto iso = gunzip(*raw, limit, error, too_large);
        if (too_large)
            throw PlanError("configdrive", "decompresses to more than the " + std::to_string(limit / kMiB) +
                                               " MiB of its config-2 partition");
        if (!iso) throw PlanError("configdrive", "is base64 but not a gzip-compressed image: " + error);
        if (iso->empty()) throw PlanError("configdrive", "decompresses to nothing");
        return *iso;
    }

    // Adds config-2 after a whole-disk image; returns its device path.
    static std::string add_partition_after_image(const DeployPlan& plan, const CommandRunner& runner) {
        const Disk* disk = whole_disk_target(plan);
        const std::string& dev = disk->device;
        std::string pttype = blkid_value(runner, dev, "PTTYPE", true);
        if (pttype != "gpt" && pttype != "dos") {
            throw Error("the whole-disk image on " + dev + " has no partition table" +
                        (pttype.empty() ? "" : " ingot understands (" + pttype + ")") +
                        ": there is nowhere to add the config-2 partition");
        }
        // The image's backup GPT sits where the image ended; move it to the
        // real end of the disk so the space after the image can be used.
        if (pttype == "gpt") run_command({"sgdisk", "-e", dev}, runner);
        PartitionTable before = read_partition_table(runner, dev);
        std::uint64_t last_end = 0;
        std::set<int> numbers;
        for (const auto& p : before.partitions) {
            last_end = std::max(last_end, p.end + 1);
            numbers.insert(p.number);
        }
        // GPT keeps its backup table in the last 33 sectors.
        std::uint64_t usable_end = before.disk_bytes - (pttype == "gpt" ? 33 * 512 : 0);
        std::uint64_t needed = kConfigDriveMiB * kMiB;
        if (last_end > usable_end || usable_end - last_end < needed) {
            throw Error("no room for the " + std::to_string(kConfigDriveMiB) + " MiB config drive after the image on " +
                        dev + ": its partitions end " +
                        std::to_string((usable_end - std::min(last_end, usable_end)) / kMiB) +
                        " MiB before the end of the disk");
        }
        if (pttype == "gpt") {
            run_command(new_gpt_partition_command(dev), runner);
        } else {
            int primaries = 0;
            for (int n : numbers) primaries += n <= 4 ? 1 : 0;
            if (primaries >= 4)
                throw Error("the image's msdos table on " + dev + " has 4 primary partitions: no room for config-2");
            // An msdos table addresses 2 TiB (32-bit sectors): on a larger
            // disk, config-2 ends there, as ironic-lib places it.
            std::uint64_t end_mib = before.disk_bytes / kMiB;
            constexpr std::uint64_t kMsdosLimitMiB = 2ull << 20;
            std::string start = "-" + std::to_string(kConfigDriveMiB) + "MiB", end = "100%";
            if (end_mib > kMsdosLimitMiB) {
                if (last_end / kMiB + 1 + kConfigDriveMiB > kMsdosLimitMiB - 1)
                    throw Error("no room for config-2 below the 2 TiB an msdos table on " + dev + " can address");
                start = std::to_string(kMsdosLimitMiB - 1 - kConfigDriveMiB);
                end = std::to_string(kMsdosLimitMiB - 1);
            }
            run_command({"parted", "-s", "-a", "optimal", "--", dev, "unit", "MiB", "mkpart", "primary", start, end},
                        runner);
        }
        run_command({"partprobe", dev}, runner);
        run_command({"udevadm", "settle"}, runner);
        PartitionTable after = read_partition_table(runner, dev);
        std::vector<int> added;
        for (const auto& p : after.partitions) {
            if (!numbers.count(p.number)) added.push_back(p.number);
        }
        if (added.size() != 1)
            throw Error("expected one new partition on " + dev + " after adding config-2, found " +
                        std::to_string(added.size()));
        return partition_path(dev, added.front());
    }
};

}  // namespace

std::unique_ptr<Action> make_configdrive_action() {
    return std::make_unique<ConfigDriveAction>();
}

}  // namespace ingot::agent::plan
