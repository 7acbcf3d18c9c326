// Test support: a real ingot-conductor process on a free loopback port with
// its own temporary state directory, and a helper to run commands (the CLI,
// stock clients) without a shell.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/process.h"

namespace ingot::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs argv (PATH lookup) with `extra_env` added; 120 s timeout.
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env = {});

// A free TCP port on 127.0.0.1 (bound and released; a race is unlikely).
int free_port();

// A fresh temporary directory, removed (recursively) by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

class ConductorProcess {
public:
    // `extra_config` is appended to the generated configuration file, with
    // every `{port}` replaced by the API port the conductor is given and
    // every `{state_dir}` by its temporary state directory (known only
    // here), e.g. "[conductor]\napi_url = http://10.0.2.2:{port}\n" for a
    // QEMU guest behind slirp, "[deploy]\nhttp_root = {state_dir}/httpboot\n".
    // `wrapper` runs the conductor through another program that execs it,
    // e.g. {"prlimit", "--nofile=64:64", "--"} (the PID stays the conductor's).
    explicit ConductorProcess(const std::string& extra_config = "", const std::vector<std::string>& wrapper = {});
    ~ConductorProcess();

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    pid_t pid() const { return child_->pid(); }
    static std::string bin_dir();
    const std::string& state_dir() const { return dir_.path(); }
    std::string log() const;  // the conductor's output so far
    // Stops with SIGTERM; returns the exit code.
    int stop();

private:
    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
