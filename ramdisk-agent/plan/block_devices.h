// What the image, configdrive and bootloader actions and execute_plan need
// to look at and mount block devices, every command through a
// CommandRunner (so it is logged, and tests can fake it).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ramdisk-agent/plan/action.h"

namespace ingot::agent::plan {

// Runs argv through `runner` and logs it with its output like
// run_commands(); throws ingot::Error naming the command and its stderr
// when the exit code is not one of `ok`.
ProcessResult run_command(const Command& argv, const CommandRunner& runner, std::vector<int> ok = {0});

// `blkid -c /dev/null -o value -s TAG DEV` (no cache: the device was just
// written); "" when the device has no such tag. `probe` adds -p (low-level
// probing: PTTYPE, PTUUID of a whole disk).
std::string blkid_value(const CommandRunner& runner, const std::string& device, const std::string& tag,
                        bool probe = false);

// ironic-lib's block_uuid(): the filesystem UUID, else the partition UUID.
std::string block_uuid(const CommandRunner& runner, const std::string& device);

// `blockdev --getsize64 DEV`.
std::uint64_t device_size_bytes(const CommandRunner& runner, const std::string& device);

struct PartitionEntry {
    int number = 0;
    std::uint64_t start = 0;  // bytes
    std::uint64_t end = 0;    // bytes, inclusive
};
struct PartitionTable {
    std::string label;  // "gpt", "msdos", "loop" (none), ...
    std::uint64_t disk_bytes = 0;
    std::vector<PartitionEntry> partitions;
};
// `parted -s -m DISK unit B print`, parsed.
PartitionTable read_partition_table(const CommandRunner& runner, const std::string& disk);
PartitionTable parse_parted_machine(const std::string& out);

// Waits until `path` exists as a block device (udev or devtmpfs creates
// partition nodes a moment after the kernel re-reads a table); throws
// ingot::Error after `timeout`.
void wait_for_block_device(const std::string& path, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A temporary directory under `work_dir` and what gets mounted below it.
// The destructor unmounts in reverse order and removes the directory
// whatever happened (failures are logged, never thrown; a directory whose
// unmount failed is left alone, never removed recursively).
class TempMount {
public:
    TempMount(const std::string& work_dir, const std::string& prefix, CommandRunner runner);
    ~TempMount();
    TempMount(const TempMount&) = delete;
    TempMount& operator=(const TempMount&) = delete;

    const std::string& path() const { return path_; }
    // Mounts `device` at path() + `sub` ("" for path() itself), creating the
    // mount point; `type` empty lets mount probe the filesystem.
    void mount(const std::string& device, const std::string& sub, const std::string& type = "",
               const std::string& options = "");
    // `mount --bind SOURCE path()+sub`.
    void bind(const std::string& source, const std::string& sub);
    // Unmounts what was mounted below path() + `sub` last, then `sub`.
    void unmount_last();
    // Unmounts everything now, throwing on failure, and removes the directory.
    void release();

private:
    std::string path_;
    CommandRunner runner_;
    std::vector<std::string> mounted_;
    bool removed_ = false;
};

// The mount command TempMount runs, for plan mode.
Command mount_command(const std::string& device, const std::string& where, const std::string& type = "",
                      const std::string& options = "");

}  // namespace ingot::agent::plan
