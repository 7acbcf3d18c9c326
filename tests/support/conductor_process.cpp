#include "tests/support/conductor_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ingot::test {

RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env) {
    ProcessOptions opts;
    opts.timeout = std::chrono::seconds(120);
    opts.extra_env = extra_env;
    opts.log = false;
    auto r = run_process(argv, opts);
    return {r.exit_code, r.out, r.err};
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        throw std::runtime_error("cannot bind a free port");
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

TempDir::TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "ingot-test-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string ConductorProcess::bin_dir() {
    return INGOT_BIN_DIR;
}

namespace {
bool port_open(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}
}  // namespace

ConductorProcess::ConductorProcess(const std::string& extra_config_template, ApiAccess access,
                                   const std::vector<std::string>& wrapper)
    : access_(std::move(access)) {
    port_ = free_port();
    std::string extra_config = extra_config_template;
    replace_all(extra_config, "{port}", std::to_string(port_));
    replace_all(extra_config, "{state_dir}", dir_.path());
    std::string conf = dir_.path() + "/ingot.conf";
    {
        std::ofstream f(conf);
        f << "[DEFAULT]\nhost = test-conductor\nlog_level = info\n"
          << "[api]\nhost_ip = 127.0.0.1\nport = " << port_ << "\n"
          << "[database]\nconnection = sqlite:///" << dir_.path() << "/ingot.sqlite\n"
          << extra_config << "\n";
    }
    std::vector<std::string> argv = wrapper;
    for (const auto& arg : {bin_dir() + "/ingot-conductor", std::string("--config-file"), conf}) argv.push_back(arg);
    child_ = std::make_unique<ChildProcess>(argv, dir_.path() + "/conductor.log");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!port_open(port_)) {
        if (!child_->running()) throw std::runtime_error("ingot-conductor exited at start:\n" + log());
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("ingot-conductor did not listen within 20 s:\n" + log());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

ConductorProcess::~ConductorProcess() {
    stop();
}

std::string ConductorProcess::url() const {
    return (access_.ca_file.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_);
}

HttpClient ConductorProcess::client(const std::string& version) const {
    HttpClient c(url(), std::chrono::seconds(30));
    c.set_default_header("X-OpenStack-Ironic-API-Version", version);
    if (!access_.ca_file.empty()) {
        TlsVerification tls;
        tls.ca_path = access_.ca_file;
        c.set_tls_verification(tls);
    }
    if (!access_.user.empty()) c.set_basic_auth(access_.user, access_.password);
    return c;
}

int ConductorProcess::stop() {
    return child_ ? child_->stop() : -1;
}

std::string ConductorProcess::log() const {
    std::ifstream f(dir_.path() + "/conductor.log");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace ingot::test
