#include "tests/support/chroot_dir.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "common/strings.h"

namespace ingot::test {
namespace {

namespace fs = std::filesystem;

// The files ldd names for `program`: "libx.so => /lib/.../libx.so (0x..)"
// and the loader, "/lib64/ld-linux-x86-64.so.2 (0x..)"; linux-vdso has none.
std::vector<std::string> shared_libraries(const std::string& program) {
    RunResult r = run({"ldd", program});
    if (r.exit_code != 0) throw std::runtime_error("ldd " + program + " failed: " + r.err + r.out);
    std::vector<std::string> out;
    for (const auto& line : split(r.out, '\n')) {
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string s; words >> s;) w.push_back(s);
        if (w.size() >= 3 && w[1] == "=>" && starts_with(w[2], "/")) out.push_back(w[2]);
        if (!w.empty() && starts_with(w[0], "/")) out.push_back(w[0]);
    }
    return out;
}

dev_t device_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_dev : 0;
}

}  // namespace

std::string find_tool(const std::string& tool) {
    const char* env = std::getenv("PATH");
    for (const auto& dir : split(std::string(env ? env : "") + ":/usr/sbin:/sbin", ':')) {
        if (!dir.empty() && ::access((dir + "/" + tool).c_str(), X_OK) == 0) return dir + "/" + tool;
    }
    return "";
}

ChrootDir::ChrootDir(const std::string& parent) {
    std::string templ = parent + "/chroot-XXXXXX";
    if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a directory in " + parent);
    path_ = templ;
}

ChrootDir::~ChrootDir() {
    unmount_all();
    // Never recurse into a mount: only a tree whose every mount point is a
    // plain directory again (same device as the tree) is removed.
    for (const char* dir : {"/proc", "/sys", "/dev"}) {
        const std::string inside = path_ + dir;
        if (fs::exists(inside) && device_of(inside) != device_of(path_)) {
            std::cerr << "ChrootDir: " << inside << " is still mounted; leaving " << path_ << " in place\n";
            return;
        }
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void ChrootDir::link_file(const std::string& source, const std::string& inside) {
    const fs::path dest = fs::path(path_) / fs::path(inside).relative_path();
    fs::create_directories(dest.parent_path());
    if (fs::exists(dest)) return;
    const fs::path real = fs::canonical(source);
    std::error_code ec;
    fs::create_hard_link(real, dest, ec);  // same filesystem: no copy of a large binary
    if (ec) fs::copy_file(real, dest);
}

void ChrootDir::add_program(const std::string& program) {
    if (program.empty() || program[0] != '/') throw std::runtime_error("not an absolute path: " + program);
    link_file(program, program);
    for (const auto& library : shared_libraries(program)) link_file(library, library);
}

void ChrootDir::mount_system_dirs() {
    for (const char* dir : {"/proc", "/sys", "/dev"}) {
        const std::string target = path_ + dir;
        fs::create_directories(target);
        if (::mount(dir, target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
            const std::string why = std::strerror(errno);
            unmount_all();
            throw std::runtime_error(std::string("cannot bind-mount ") + dir + " on " + target + ": " + why);
        }
        mounted_.push_back(target);
        // Private, so nothing propagates to the host's mount peers, then
        // read-only: a program in the chroot writes no file of the host's.
        ::mount(nullptr, target.c_str(), nullptr, MS_PRIVATE, nullptr);
        if (::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
            const std::string why = std::strerror(errno);
            unmount_all();
            throw std::runtime_error("cannot make " + target + " read-only: " + why);
        }
    }
}

RunResult ChrootDir::run(const std::vector<std::string>& argv) const {
    std::vector<std::string> full = {"chroot", path_};
    full.insert(full.end(), argv.begin(), argv.end());
    return test::run(full);
}

void ChrootDir::unmount_all() {
    while (!mounted_.empty()) {
        const std::string target = mounted_.back();
        mounted_.pop_back();
        if (::umount2(target.c_str(), 0) != 0 && ::umount2(target.c_str(), MNT_DETACH) != 0)
            std::cerr << "ChrootDir: cannot unmount " << target << ": " << std::strerror(errno) << "\n";
    }
}

}  // namespace ingot::test
