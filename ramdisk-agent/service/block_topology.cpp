#include "ramdisk-agent/service/block_topology.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/strings.h"

namespace ingot::agent::service {
namespace {

namespace fs = std::filesystem;

// Stacks are a few levels deep (partition, crypt, LVM, MD); a loop in a
// broken tree must not recurse forever.
constexpr int kMaxDepth = 16;

std::string first_line(const fs::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return trim(line);
}

// A /dev path that cannot be stat()ed (a chroot or container without
// /dev) still names its device: /dev/NAME, or /dev/mapper/NAME through the
// device-mapper names in sysfs.
std::string name_of_missing_dev_path(const fs::path& sys, const std::string& path) {
    std::error_code ec;
    const fs::path block = sys / "class" / "block";
    if (starts_with(path, "/dev/mapper/")) {
        const std::string wanted = path.substr(std::string("/dev/mapper/").size());
        for (const auto& entry : fs::directory_iterator(block, ec)) {
            if (first_line(entry.path() / "dm" / "name") == wanted) return entry.path().filename().string();
        }
        return "";
    }
    const std::string name = path.substr(std::string("/dev/").size());
    if (!starts_with(path, "/dev/") || name.empty() || name.find('/') != std::string::npos) return "";
    return fs::exists(block / name, ec) ? name : "";
}

std::string name_of(const fs::path& sys, const std::string& key) {
    std::error_code ec;
    std::string number = key;
    if (starts_with(key, "/")) {
        struct stat st {};
        if (::stat(key.c_str(), &st) != 0) return name_of_missing_dev_path(sys, key);
        if (!S_ISBLK(st.st_mode)) return "";
        number = std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
    }
    if (number.find(':') != std::string::npos) {
        const fs::path real = fs::canonical(sys / "dev" / "block" / number, ec);
        return ec ? "" : real.filename().string();
    }
    if (key.empty() || key.find('/') != std::string::npos) return "";
    return fs::exists(sys / "class" / "block" / key, ec) ? key : "";
}

bool add(std::vector<std::string>& out, const std::string& name) {
    if (name.empty() || std::find(out.begin(), out.end(), name) != out.end()) return false;
    out.push_back(name);
    return true;
}

void collect_below(const fs::path& sys, const std::string& name, std::vector<std::string>& out, int depth) {
    if (depth > kMaxDepth || !add(out, name)) return;
    std::error_code ec;
    const fs::path entry = sys / "class" / "block" / name;
    if (fs::exists(entry / "partition", ec)) {
        const fs::path real = fs::canonical(entry, ec);
        if (!ec) collect_below(sys, real.parent_path().filename().string(), out, depth + 1);
    }
    for (const auto& slave : fs::directory_iterator(entry / "slaves", ec))
        collect_below(sys, slave.path().filename().string(), out, depth + 1);
}

void collect_above(const fs::path& sys, const std::string& name, std::vector<std::string>& out, int depth) {
    if (depth > kMaxDepth) return;
    std::error_code ec;
    const fs::path real = fs::canonical(sys / "class" / "block" / name, ec);
    if (ec) return;
    std::vector<std::string> next;
    for (const auto& child : fs::directory_iterator(real, ec)) {
        std::error_code child_ec;
        if (fs::exists(child.path() / "partition", child_ec)) next.push_back(child.path().filename().string());
    }
    for (const auto& holder : fs::directory_iterator(real / "holders", ec))
        next.push_back(holder.path().filename().string());
    for (const auto& n : next)
        if (add(out, n)) collect_above(sys, n, out, depth + 1);
}

}  // namespace

BlockTopology sysfs_topology(const std::string& sys) {
    BlockTopology t;
    t.below = [sys = fs::path(sys)](const std::string& key) {
        std::vector<std::string> out;
        collect_below(sys, name_of(sys, key), out, 0);
        return out;
    };
    t.above = [sys = fs::path(sys)](const std::string& name) {
        std::vector<std::string> out;
        collect_above(sys, name, out, 0);
        return out;
    };
    return t;
}

}  // namespace ingot::agent::service
