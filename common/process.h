// The one way Ingot runs external programs (ipmitool, sgdisk, qemu-img...):
// an argument vector, never a shell string; a timeout after which the whole
// process group is killed; output captured; the command line logged with
// secrets masked.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ingot {

// Resource limits set in the child before it runs the program (setrlimit,
// as prlimit(1) would): a program that parses untrusted input (qemu-img
// on a downloaded image) cannot take the host's memory or a CPU for ever.
// Zero: no limit.
struct ProcessLimits {
    std::uint64_t address_space_bytes = 0;  // RLIMIT_AS
    std::chrono::seconds cpu_time{0};       // RLIMIT_CPU: killed when used up
};

struct ProcessOptions {
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    std::map<std::string, std::string> extra_env;  // added to the inherited environment
    std::vector<std::string> secrets;              // strings replaced by ****** in logs
    std::string stdin_data;
    bool log = true;
    ProcessLimits limits;  // last: plugins built before it keep their layout
};

struct ProcessResult {
    int exit_code = -1;  // 128+N when killed by signal N
    bool timed_out = false;
    std::string out;
    std::string err;
};

// Runs argv[0] (looked up in PATH) to completion. Throws ingot::Error only
// when the program cannot be started at all.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// A long-running child (a service under test, a BMC simulator...). Its
// output goes to `log_path`. The destructor stops it: SIGTERM, then SIGKILL.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
                 const std::map<std::string, std::string>& extra_env = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running();
    // Sends `signal` and waits up to `grace` for exit; SIGKILL afterwards.
    // Returns the exit code (128+N for a signal).
    int stop(int signal = 15, std::chrono::milliseconds grace = std::chrono::seconds(10));

private:
    pid_t pid_ = -1;
    int status_ = -1;
};

}  // namespace ingot
