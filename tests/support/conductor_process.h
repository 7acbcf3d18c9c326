// Test support: a real ingot-conductor process on a free loopback port with
// its own temporary state directory, and a helper to run commands (the CLI,
// stock clients) without a shell.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/http_client.h"
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

// How a test reaches a conductor whose configuration asks for TLS
// ([api] tls_cert_file) or authentication (http_basic).
struct ApiAccess {
    std::string ca_file;  // set: the API is https, its certificate signed by this CA
    std::string user;     // set: HTTP basic credentials of the htpasswd file
    std::string password;
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
    explicit ConductorProcess(const std::string& extra_config = "", ApiAccess access = {},
                              const std::vector<std::string>& wrapper = {});
    ~ConductorProcess();

    // https://127.0.0.1:PORT when `access` names a CA, else http://.
    std::string url() const;
    const ApiAccess& access() const { return access_; }
    // A client of the API at the latest microversion (or `version`) that
    // trusts the CA and sends the credentials of `access`.
    HttpClient client(const std::string& version = "latest") const;
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
    ApiAccess access_;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
