#include "ramdisk-agent/plan/block_devices.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"

namespace ingot::agent::plan {

namespace fs = std::filesystem;

ProcessResult run_command(const Command& argv, const CommandRunner& runner, std::vector<int> ok) {
    ProcessResult result = runner(argv);
    std::string command = join(argv, " ");
    log::info("agent.plan.command", {{"command", command},
                                     {"exit_code", std::to_string(result.exit_code)},
                                     {"out", trim(result.out)},
                                     {"err", trim(result.err)}});
    if (std::find(ok.begin(), ok.end(), result.exit_code) == ok.end()) {
        throw Error("'" + command + "' failed" + (result.timed_out ? " (timed out)" : "") + " with exit code " +
                    std::to_string(result.exit_code) + ": " + trim(result.err));
    }
    return result;
}

std::string blkid_value(const CommandRunner& runner, const std::string& device, const std::string& tag, bool probe) {
    Command argv = {"blkid", "-c", "/dev/null"};
    if (probe) argv.push_back("-p");
    argv.insert(argv.end(), {"-o", "value", "-s", tag, device});
    // Exit code 2: nothing found (no such tag, or nothing blkid recognises).
    ProcessResult r = run_command(argv, runner, {0, 2});
    return trim(r.out);
}

std::string block_uuid(const CommandRunner& runner, const std::string& device) {
    std::string uuid = blkid_value(runner, device, "UUID");
    return uuid.empty() ? blkid_value(runner, device, "PARTUUID") : uuid;
}

std::uint64_t device_size_bytes(const CommandRunner& runner, const std::string& device) {
    ProcessResult r = run_command({"blockdev", "--getsize64", device}, runner);
    try {
        return std::stoull(trim(r.out));
    } catch (const std::exception&) {
        throw Error("blockdev --getsize64 " + device + " printed '" + trim(r.out) + "', not a size");
    }
}

namespace {

std::uint64_t bytes_field(const std::string& field) {
    std::string digits = field;
    if (!digits.empty() && digits.back() == 'B') digits.pop_back();
    return std::stoull(digits);
}

}  // namespace

PartitionTable parse_parted_machine(const std::string& out) {
    // BYT;
    // /dev/loop0:134217728B:loopback:512:512:msdos:Loopback device:;
    // 1:1048576B:53477375B:52428800B:::;
    PartitionTable table;
    bool disk_line = false;
    for (const auto& raw : split(out, '\n')) {
        std::string line = trim(raw);
        if (line.empty() || line == "BYT;") continue;
        auto fields = split(line, ':');
        if (!disk_line) {
            if (fields.size() < 6) throw Error("parted printed an unexpected disk line: " + line);
            table.disk_bytes = bytes_field(fields[1]);
            table.label = fields[5];
            disk_line = true;
            continue;
        }
        if (fields.size() < 3) continue;
        try {
            table.partitions.push_back({std::stoi(fields[0]), bytes_field(fields[1]), bytes_field(fields[2])});
        } catch (const std::exception&) {
            throw Error("parted printed an unexpected partition line: " + line);
        }
    }
    if (!disk_line) throw Error("parted printed no disk line");
    return table;
}

PartitionTable read_partition_table(const CommandRunner& runner, const std::string& disk) {
    return parse_parted_machine(run_command({"parted", "-s", "-m", disk, "unit", "B", "print"}, runner).out);
}

void wait_for_block_device(const std::string& path, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) return;
        if (std::chrono::steady_clock::now() >= deadline)
            throw Error(path + " did not appear as a block device within " +
                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

Command mount_command(const std::string& device, const std::string& where, const std::string& type,
                      const std::string& options) {
    Command argv = {"mount"};
    if (!type.empty()) argv.insert(argv.end(), {"-t", type});
    if (!options.empty()) argv.insert(argv.end(), {"-o", options});
    argv.insert(argv.end(), {device, where});
    return argv;
}

TempMount::TempMount(const std::string& work_dir, const std::string& prefix, CommandRunner runner)
    : runner_(std::move(runner)) {
    fs::create_directories(work_dir);
    std::string templ = work_dir + "/" + prefix + ".XXXXXX";
    if (!::mkdtemp(templ.data()))
        throw Error("cannot create a directory under " + work_dir + ": " + std::strerror(errno));
    path_ = templ;
}

TempMount::~TempMount() {
    while (!mounted_.empty()) {
        std::string where = mounted_.back();
        mounted_.pop_back();
        ProcessResult r = runner_({"umount", where});
        if (r.exit_code != 0) {
            // Busy (a process still inside): detach it so the deploy does not
            // leave the device mounted; the kernel finishes when it is free.
            log::warning("agent.plan.umount_failed", {{"path", where}, {"err", trim(r.err)}});
            r = runner_({"umount", "-l", where});
            if (r.exit_code != 0) {
                log::error("agent.plan.umount_failed", {{"path", where}, {"err", trim(r.err)}});
                removed_ = true;  // never remove a directory something may still be mounted on
            }
        }
    }
    if (!removed_) {
        std::error_code ec;
        fs::remove(path_, ec);  // not remove_all: only an empty mount point goes
        if (ec) log::warning("agent.plan.rmdir_failed", {{"path", path_}, {"error", ec.message()}});
    }
}

void TempMount::mount(const std::string& device, const std::string& sub, const std::string& type,
                      const std::string& options) {
    std::string where = path_ + sub;
    fs::create_directories(where);
    run_command(mount_command(device, where, type, options), runner_);
    mounted_.push_back(where);
}

void TempMount::bind(const std::string& source, const std::string& sub) {
    std::string where = path_ + sub;
    fs::create_directories(where);
    run_command({"mount", "--bind", source, where}, runner_);
    mounted_.push_back(where);
}

void TempMount::unmount_last() {
    if (mounted_.empty()) return;
    run_command({"umount", mounted_.back()}, runner_);
    mounted_.pop_back();
}

void TempMount::release() {
    while (!mounted_.empty()) unmount_last();
    std::error_code ec;
    fs::remove(path_, ec);
    removed_ = true;
}

}  // namespace ingot::agent::plan
