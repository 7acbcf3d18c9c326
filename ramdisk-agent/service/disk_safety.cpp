#include "ramdisk-agent/service/disk_safety.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/strings.h"

namespace ingot::agent::service {

namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
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

std::string dev_key(dev_t dev) {
    return std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
}

// `name` (a /sys/class/block entry), the disk it is a partition of, and
// every device it is stacked on (device-mapper, MD), recursively.
void stack_of(const std::string& name, std::set<std::string>& out, int depth = 0) {
    if (name.empty() || depth > 16 || !out.insert(name).second) return;
    const fs::path entry = fs::path("/sys/class/block") / name;
    std::error_code ec;
    if (fs::exists(entry / "partition", ec)) {
        fs::path real = fs::canonical(entry, ec);
        if (!ec) stack_of(real.parent_path().filename().string(), out, depth + 1);
    }
    for (const auto& slave : fs::directory_iterator(entry / "slaves", ec)) {
        stack_of(slave.path().filename().string(), out, depth + 1);
    }
}

std::vector<std::string> sysfs_holders_of(const std::string& key) {
    std::string dev = key;
    if (starts_with(key, "/")) {
        struct stat st {};
        if (::stat(key.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return {};
        dev = dev_key(st.st_rdev);
    }
    std::error_code ec;
    fs::path real = fs::canonical(fs::path("/sys/dev/block") / dev, ec);
    if (ec) return {};
    std::set<std::string> names;
    stack_of(real.filename().string(), names);
    return {names.begin(), names.end()};
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

}  // namespace

AgentError protected_device(const std::string& details) {
    return AgentError("ProtectedDeviceError", 500, "Refusing to write to a protected device", details);
}

bool disk_writes_permitted(const DiskPolicy& policy, pid_t pid) {
    return pid == 1 || policy.allow_disk_writes || policy.loop_devices_only;
}

void require_disk_writes(const DiskPolicy& policy, pid_t pid) {
    if (!disk_writes_permitted(policy, pid)) throw protected_device(kDiskWritesRefused);
}

plan::DiscoveryOptions discovery_options(const DiskPolicy& policy) {
    plan::DiscoveryOptions o;
    o.include_loop = policy.loop_devices_only;
    o.only_loop = policy.loop_devices_only;
    return o;
}

BusyDevices parse_busy_devices(const std::string& mountinfo, const std::string& swaps,
                               const std::function<std::vector<std::string>(const std::string&)>& holders_of) {
    BusyDevices busy;
    for (const auto& line : split(mountinfo, '\n')) {
        std::istringstream in(line);
        std::vector<std::string> f;
        for (std::string w; in >> w;) f.push_back(w);
        if (f.size() < 5) continue;
        size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        const std::string source = dash + 2 < f.size() ? unescape_octal(f[dash + 2]) : "";
        const std::string mount_point = unescape_octal(f[4]);
        std::set<std::string> names;
        // The device number is that of the filesystem; btrfs and overlays
        // report an anonymous one (major 0), so the source counts as well.
        if (!starts_with(f[2], "0:")) {
            for (auto& n : holders_of(f[2])) names.insert(n);
        }
        if (starts_with(source, "/dev/")) {
            for (auto& n : holders_of(source)) names.insert(n);
        }
        if (names.empty()) continue;
        const bool root = mount_point == "/";
        const std::string from = starts_with(source, "/dev/") ? source : "device " + f[2];
        note(busy, {names.begin(), names.end()},
             root ? "/ (the running system) is mounted from " + from : mount_point + " is mounted from " + from, root);
    }
    bool header = true;
    for (const auto& line : split(swaps, '\n')) {
        if (header) {
            header = false;
            continue;
        }
        std::istringstream in(line);
        std::string file;
        if (!(in >> file) || !starts_with(file, "/dev/")) continue;  // swap files: their filesystem is mounted
        note(busy, holders_of(unescape_octal(file)), "swap is active on " + file, false);
    }
    return busy;
}

BusyDevices busy_devices() {
    return parse_busy_devices(read_text("/proc/self/mountinfo"), read_text("/proc/swaps"), sysfs_holders_of);
}

std::string kernel_name(const std::string& device_path) {
    struct stat st {};
    if (::stat(device_path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return "";
    std::error_code ec;
    fs::path real = fs::canonical(fs::path("/sys/dev/block") / dev_key(st.st_rdev), ec);
    return ec ? "" : real.filename().string();
}

std::string ineligible_reason(const plan::BlockDevice& device, const std::string& kernel, const DiskPolicy& policy,
                              const BusyDevices& busy) {
    if (kernel.empty()) return device.name + " is not a block device";
    if (policy.loop_devices_only && !starts_with(kernel, "loop"))
        return device.name + " is not a loop device (--loop-devices-only)";
    if (!policy.only_devices.empty()) {
        bool listed = false;
        for (const auto& d : policy.only_devices) listed |= d == device.name || d == "/dev/" + kernel || d == kernel;
        if (!listed) return device.name + " is not one of the --device devices";
    }
    if (auto it = busy.find(kernel); it != busy.end())
        return device.name + " is in use by the running system (" + it->second + ")";
    if (!device.mountpoints.empty())
        return device.name + " has mounted filesystems or swap (" + join(device.mountpoints, ", ") + ")";
    return "";
}

void check_target(const std::string& device, const std::string& kernel, const std::vector<std::string>& mountpoints,
                  const DiskPolicy& policy, const BusyDevices& busy) {
    plan::BlockDevice d;
    d.name = device;
    d.mountpoints = mountpoints;
    std::string why = ineligible_reason(d, kernel, policy, busy);
    if (!why.empty()) throw protected_device("refusing to write to " + device + ": " + why);
}

}  // namespace ingot::agent::service
