#include "tests/support/agent_process.h"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/http_client.h"

namespace ingot::test {

AgentProcess::AgentProcess(const std::vector<std::string>& extra_args) : port_(free_port()) {
    // The kernel command line is /dev/null so that a host's own ipa-* or
    // ingot-* parameters never reach a test agent.
    std::vector<std::string> argv = {ConductorProcess::bin_dir() + "/ingot-agent",
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(port_),
                                     "--kernel-cmdline",
                                     "/dev/null",
                                     "--log-level",
                                     "debug"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    log_path_ = dir_.path() + "/agent.log";
    child_ = std::make_unique<ChildProcess>(argv, log_path_);
    HttpClient c(url(), std::chrono::seconds(2));
    for (int i = 0; i < 500; ++i) {
        try {
            if (c.request("GET", "/v1/status").status == 200) return;
        } catch (const HttpTransportError&) {
        }
        if (!child_->running()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("ingot-agent did not start: " + log());
}

AgentProcess::~AgentProcess() {
    if (child_) child_->stop();
}

std::string AgentProcess::log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

int AgentProcess::stop() {
    return child_->stop();
}

}  // namespace ingot::test
