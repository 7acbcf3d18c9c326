#include "ramdisk-agent/service/busy_devices.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/strings.h"
#include "ramdisk-agent/service/disk_safety.h"

namespace ingot::agent::service {
namespace {

namespace fs = std::filesystem;

// Filesystems that list each mounted instance under /sys/fs/<type>/<dev>.
constexpr const char* kSysfsFilesystems[] = {"ext4", "xfs", "f2fs", "erofs"};

bool read_text(const std::string& path, std::string& out) {
    std::ifstream in(path);
    if (!in) return false;
    std::stringstream s;
    s << in.rdbuf();
    out = s.str();
    return true;
}

// mountinfo escapes blanks in paths as \040 and friends.
std::string unescape_octal(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            const std::string digits = s.substr(i + 1, 3);
            if (digits.find_first_not_of("01234567") == std::string::npos) {
                out += static_cast<char>(std::stoi(digits, nullptr, 8));
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

void note(BusyDevices& busy, const std::vector<std::string>& names, const std::string& why, bool root) {
    for (const auto& n : names) {
        auto it = busy.find(n);
        if (it == busy.end())
            busy[n] = why;
        else if (root)
            it->second = why;  // "the disk of /" is the reason worth telling
    }
}

void note_root(BusyDevices& busy, const std::string& root_device, const BlockTopology& topology) {
    // Major 0: no block device (rootfs, tmpfs, overlay, 9p, virtiofs, or
    // btrfs's anonymous numbers, which the mount table's source covers).
    if (root_device.empty() || starts_with(root_device, "0:")) return;
    const auto names = topology.below(root_device);
    if (names.empty())
        throw protected_device("/ (the running system) is on device " + root_device +
                               ", which /sys/dev/block does not list: the agent cannot tell which disk holds the "
                               "running system and writes to none");
    note(busy, names, "/ (the running system) is on " + names.front() + " (device " + root_device + ")", true);
}

void note_mounts(BusyDevices& busy, const std::string& mountinfo, const BlockTopology& topology) {
    for (const auto& line : split(mountinfo, '\n')) {
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string w; in >> w;) f.push_back(w);
        if (f.size() < 5) continue;
        size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        const std::string source = dash + 2 < f.size() ? unescape_octal(f[dash + 2]) : "";
        const std::string mount_point = unescape_octal(f[4]);
        std::vector<std::string> names;
        // The device number is what stat() reports for the mount's files;
        // btrfs and overlays report an anonymous one (major 0), so the
        // source counts as well.
        if (!starts_with(f[2], "0:")) names = topology.below(f[2]);
        if (starts_with(source, "/dev/"))
            for (auto& n : topology.below(source)) names.push_back(n);
        if (names.empty()) continue;
        const bool root = mount_point == "/";
        const std::string from = starts_with(source, "/dev/") ? source : "device " + f[2];
        note(busy, names,
             root ? "/ (the running system) is mounted from " + from : mount_point + " is mounted from " + from, root);
    }
}

void note_swaps(BusyDevices& busy, const std::string& swaps, const BlockTopology& topology) {
    bool header = true;
    for (const auto& line : split(swaps, '\n')) {
        if (header) {
            header = false;
            continue;
        }
        std::istringstream in(line);
        std::string file;
        if (!(in >> file) || !starts_with(file, "/dev/")) continue;  // swap files: their filesystem is mounted
        note(busy, topology.below(unescape_octal(file)), "swap is active on " + file, false);
    }
}

// Whatever is built on a busy device (the other partitions of the root
// disk, an LVM volume on one of them) is as busy as the device.
void note_stacked(BusyDevices& busy, const BlockTopology& topology) {
    const BusyDevices found = busy;
    for (const auto& [name, why] : found) {
        for (const auto& upper : topology.above(name))
            if (!busy.count(upper)) busy[upper] = upper + " is built on " + name + ", in use: " + why;
    }
}

std::vector<std::pair<std::string, std::string>> sysfs_mounted_filesystems(const fs::path& sys) {
    std::vector<std::pair<std::string, std::string>> out;
    std::error_code ec;
    for (const char* type : kSysfsFilesystems) {
        for (const auto& entry : fs::directory_iterator(sys / "fs" / type, ec)) {
            const std::string name = entry.path().filename().string();
            std::error_code block_ec;
            if (fs::exists(sys / "class" / "block" / name, block_ec)) out.emplace_back(name, type);
        }
    }
    // btrfs: one directory per mounted filesystem, its devices inside.
    for (const auto& fsid : fs::directory_iterator(sys / "fs" / "btrfs", ec)) {
        std::error_code devices_ec;
        for (const auto& device : fs::directory_iterator(fsid.path() / "devices", devices_ec))
            out.emplace_back(device.path().filename().string(), "btrfs");
    }
    return out;
}

}  // namespace

SystemUsage read_system_usage(const std::string& sys) {
    SystemUsage usage;
    if (!read_text("/proc/self/mountinfo", usage.mountinfo))
        throw protected_device(
            "cannot read /proc/self/mountinfo (is /proc mounted?): the agent cannot tell which devices the running "
            "system uses and writes to none");
    read_text("/proc/swaps", usage.swaps);
    std::error_code ec;
    if (!fs::is_directory(fs::path(sys) / "dev" / "block", ec))
        throw protected_device("cannot read " + sys +
                               "/dev/block (is /sys mounted?): the agent cannot tell which devices the running "
                               "system uses and writes to none");
    struct stat st {};
    if (::stat("/", &st) == 0)
        usage.root_device = std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
    usage.mounted_filesystems = sysfs_mounted_filesystems(sys);
    return usage;
}

BusyDevices find_busy_devices(const SystemUsage& usage, const BlockTopology& topology) {
    BusyDevices busy;
    note_root(busy, usage.root_device, topology);
    note_mounts(busy, usage.mountinfo, topology);
    note_swaps(busy, usage.swaps, topology);
    for (const auto& [name, type] : usage.mounted_filesystems)
        note(busy, topology.below(name),
             "a mounted " + type + " filesystem is on " + name + " (the kernel lists it in /sys/fs/" + type +
                 ", whichever mount namespace mounted it)",
             false);
    note_stacked(busy, topology);
    return busy;
}

BusyDevices busy_devices() {
    return find_busy_devices(read_system_usage(), sysfs_topology());
}

}  // namespace ingot::agent::service
