#include "tests/support/agent_process.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ingot::test {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool has(const std::vector<std::string>& args, const std::string& flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
}

}  // namespace

AgentProcess::AgentProcess(const std::vector<std::string>& extra_args) : port_(free_port()) {
    // The kernel command line is /dev/null so that a host's own ipa-* or
    // ingot-* parameters never reach a test agent.
    std::vector<std::string> argv = {ConductorProcess::bin_dir() + "/ingot-agent", "--listen",
                                     "127.0.0.1:" + std::to_string(port_), "--log-level", "debug"};
    if (!has(extra_args, "--kernel-cmdline")) argv.insert(argv.end(), {"--kernel-cmdline", "/dev/null"});
    const bool auto_tls = !has(extra_args, "--standalone") && !has(extra_args, "--no-auto-tls");
    const std::string tls_dir = dir_.path() + "/tls";
    if (auto_tls && !has(extra_args, "--tls-dir")) argv.insert(argv.end(), {"--tls-dir", tls_dir});
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    log_path_ = dir_.path() + "/agent.log";
    child_ = std::make_unique<ChildProcess>(argv, log_path_);
    for (int i = 0; i < 500; ++i) {
        // The certificate is written before the server starts.
        if (auto_tls && certificate_pem_.empty()) {
            certificate_pem_ = read_text(tls_dir + "/cert.pem");
            if (certificate_pem_.find("-----END CERTIFICATE-----") == std::string::npos) certificate_pem_.clear();
        }
        if (!auto_tls || !certificate_pem_.empty()) {
            try {
                if (client(std::chrono::seconds(2)).request("GET", "/v1/status").status == 200) return;
            } catch (const HttpTransportError&) {
            }
        }
        if (!child_->running()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("ingot-agent did not start: " + log());
}

AgentProcess::~AgentProcess() {
    if (child_) child_->stop();
}

std::string AgentProcess::url() const {
    return (tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port_);
}

HttpClient AgentProcess::client(std::chrono::milliseconds timeout) const {
    HttpClient c(url(), timeout);
    TlsVerification tls;
    tls.ca_pem = certificate_pem_;
    c.set_tls_verification(tls);
    return c;
}

std::string AgentProcess::log() const {
    return read_text(log_path_);
}

int AgentProcess::stop() {
    return child_->stop();
}

}  // namespace ingot::test
