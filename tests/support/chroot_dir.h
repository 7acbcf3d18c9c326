// Test support: a minimal chroot, built like scripts/build-ramdisk builds
// the ramdisk (each program with the shared libraries ldd lists), with the
// host's /proc, /sys and /dev bind-mounted read-only, for tests of what a
// program sees from inside a chroot. Needs root (bind mounts, chroot).
//
// Nothing outside the tree is written: programs and libraries are hard
// links (or copies) inside it, and the bind mounts are read-only. The
// destructor unmounts them (lazily when busy) and removes the tree only
// once none is left mounted in it; a failing test cleans up the same way.
#pragma once

#include <string>
#include <vector>

#include "tests/support/conductor_process.h"

namespace ingot::test {

class ChrootDir {
public:
    // A new directory under `parent`.
    explicit ChrootDir(const std::string& parent);
    ~ChrootDir();
    ChrootDir(const ChrootDir&) = delete;
    ChrootDir& operator=(const ChrootDir&) = delete;

    const std::string& path() const { return path_; }

    // Puts `program` (an absolute path) at the same path inside, with its
    // shared libraries and loader; throws std::runtime_error saying why not.
    void add_program(const std::string& program);

    // Bind-mounts /proc, /sys and /dev read-only; throws std::runtime_error
    // (after undoing what it did) when the kernel refuses.
    void mount_system_dirs();

    // Runs `argv` inside (chroot(8)); `argv[0]` is a path inside.
    RunResult run(const std::vector<std::string>& argv) const;

private:
    void link_file(const std::string& source, const std::string& inside);
    void unmount_all();

    std::string path_;
    std::vector<std::string> mounted_;  // paths outside, in mount order
};

// The absolute path of `tool` in PATH or the sbin directories; "" if none.
std::string find_tool(const std::string& tool);

}  // namespace ingot::test
