// Test support: a real ingot-agent process on a free loopback port, started
// with the flags a test gives (--standalone, or --api-url for a conductor)
// and never allowed to power anything off. Its kernel command line is
// /dev/null unless the test gives --kernel-cmdline. An agent with a conductor serves
// HTTPS with the certificate it makes at start (auto-TLS, unless the test
// passes --no-auto-tls): the helper has it write its key and certificate to
// a directory of the test, and trusts that certificate. The constructor
// returns once the command API answers; the destructor stops the process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/process.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

class AgentProcess {
public:
    explicit AgentProcess(const std::vector<std::string>& extra_args);
    ~AgentProcess();
    AgentProcess(const AgentProcess&) = delete;
    AgentProcess& operator=(const AgentProcess&) = delete;

    // https://127.0.0.1:PORT with auto-TLS, else http://.
    std::string url() const;
    int port() const { return port_; }
    bool tls() const { return !certificate_pem_.empty(); }
    // The agent's self-signed certificate (PEM); empty without TLS.
    const std::string& certificate_pem() const { return certificate_pem_; }
    // A client of the command API that trusts only the agent's certificate.
    HttpClient client(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
    std::string log() const;  // the agent's output so far
    int stop();               // SIGTERM; returns the exit code

private:
    TempDir dir_;
    int port_;
    std::string log_path_;
    std::string certificate_pem_;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
