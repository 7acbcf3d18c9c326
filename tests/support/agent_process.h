// Test support: a real ingot-agent process on a free loopback port, started
// with the flags a test gives (--standalone, or --api-url for a conductor)
// and never allowed to power anything off. The constructor returns once
// the command API answers; the destructor stops the process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/process.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

class AgentProcess {
public:
    explicit AgentProcess(const std::vector<std::string>& extra_args);
    ~AgentProcess();
    AgentProcess(const AgentProcess&) = delete;
    AgentProcess& operator=(const AgentProcess&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    std::string log() const;  // the agent's output so far
    int stop();               // SIGTERM; returns the exit code

private:
    TempDir dir_;
    int port_;
    std::string log_path_;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
