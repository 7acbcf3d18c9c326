#include "tests/support/vbmc_process.h"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ingot::test {
namespace {

void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv);
    if (r.exit_code != 0) throw std::runtime_error("openssl " + args[0] + " failed: " + r.err);
}

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

TestCa make_test_ca(const std::string& dir, const std::vector<std::string>& extra_names) {
    TestCa ca{dir + "/ca.pem", dir + "/server.pem", dir + "/server.key"};
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
    std::vector<std::string> req = {"req", "-x509"};
    req.insert(req.end(), ec.begin(), ec.end());
    req.insert(req.end(),
               {"-keyout", dir + "/ca.key", "-out", ca.ca_cert, "-days", "7", "-subj", "/CN=Ingot test CA", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
    openssl(req);
    req = {"req"};
    req.insert(req.end(), ec.begin(), ec.end());
    req.insert(req.end(), {"-keyout", ca.server_key, "-out", dir + "/server.csr", "-subj", "/CN=localhost"});
    openssl(req);
    std::string names = "IP:127.0.0.1,DNS:localhost";
    for (const auto& name : extra_names) names += "," + name;
    std::ofstream(dir + "/server.ext") << "subjectAltName=" << names << "\n"
                                          "basicConstraints=CA:FALSE\n"
                                          "keyUsage=critical,digitalSignature,keyEncipherment\n"
                                          "extendedKeyUsage=serverAuth\n";
    openssl({"x509", "-req", "-in", dir + "/server.csr", "-CA", ca.ca_cert, "-CAkey", dir + "/ca.key",
             "-CAcreateserial", "-out", ca.server_cert, "-days", "7", "-extfile", dir + "/server.ext"});
    return ca;
}

VbmcProcess::VbmcProcess(VbmcOptions options) : options_(std::move(options)) {
    std::vector<std::string> argv = {ConductorProcess::bin_dir() + "/ingot-vbmc",
                                     "--host",
                                     "127.0.0.1",
                                     "--port",
                                     "0",
                                     "--state-dir",
                                     dir() + "/state",
                                     "--log-file",
                                     dir() + "/vbmc.log"};
    if (options_.config_json.empty()) {
        argv.insert(argv.end(), {"--memory-systems", std::to_string(options_.memory_systems)});
    } else {
        std::ofstream(dir() + "/systems.json") << options_.config_json;
        argv.insert(argv.end(), {"--config", dir() + "/systems.json"});
    }
    if (options_.tls) {
        ca_ = make_test_ca(dir());
        argv.insert(argv.end(), {"--tls-cert", ca_.server_cert, "--tls-key", ca_.server_key});
    }
    if (!options_.username.empty())
        argv.insert(argv.end(), {"--username", options_.username, "--password", options_.password});
    if (options_.fault_injection) argv.push_back("--enable-fault-injection");
    if (options_.async_tasks) argv.push_back("--async-tasks");
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());

    // stdout carries only "listening HOST:PORT"; the log goes to vbmc.log.
    const std::string out = dir() + "/vbmc.out";
    child_ = std::make_unique<ChildProcess>(argv, out);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (port_ == 0) {
        std::istringstream lines(read_file(out));
        for (std::string line; std::getline(lines, line);) {
            auto colon = line.rfind(':');
            if (line.rfind("listening ", 0) == 0 && colon != std::string::npos)
                port_ = std::stoi(line.substr(colon + 1));
        }
        if (port_ != 0) break;
        if (!child_->running()) throw std::runtime_error("ingot-vbmc exited at start:\n" + read_file(out) + log());
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("ingot-vbmc printed no port within 20 s:\n" + read_file(out) + log());
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

VbmcProcess::~VbmcProcess() {
    stop();
}

int VbmcProcess::stop() {
    // Generous grace: it stops its QEMU machines first.
    return child_ ? child_->stop(SIGTERM, std::chrono::seconds(20)) : -1;
}

std::string VbmcProcess::url() const {
    return std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

HttpClient VbmcProcess::client(std::chrono::milliseconds timeout) const {
    HttpClient c(url(), timeout);
    if (options_.tls) c.set_tls_verification({true, ca_.ca_cert});
    if (!options_.username.empty()) c.set_basic_auth(options_.username, options_.password);
    return c;
}

std::vector<std::string> VbmcProcess::system_ids() {
    auto r = client().request("GET", "/redfish/v1/Systems");
    if (r.status != 200)
        throw std::runtime_error("GET /redfish/v1/Systems: " + std::to_string(r.status) + " " + r.body);
    std::vector<std::string> ids;
    const auto doc = nlohmann::json::parse(r.body);  // not in the for: a temporary would die first
    for (const auto& m : doc["Members"]) {
        const std::string path = m["@odata.id"];
        ids.push_back(path.substr(path.rfind('/') + 1));
    }
    return ids;
}

void VbmcProcess::set_fault(const std::string& system, const std::string& mode) {
    auto r = client().request("PUT", "/ingot-vbmc/systems/" + system + "/fault", nlohmann::json{{"mode", mode}}.dump());
    if (r.status != 200) throw std::runtime_error("set_fault " + mode + ": " + std::to_string(r.status) + " " + r.body);
}

nlohmann::json VbmcProcess::state(const std::string& system) {
    auto r = client(std::chrono::seconds(30)).request("GET", "/ingot-vbmc/systems/" + system);
    if (r.status != 200) throw std::runtime_error("state " + system + ": " + std::to_string(r.status) + " " + r.body);
    return nlohmann::json::parse(r.body);
}

std::string VbmcProcess::log() const {
    return read_file(dir_.path() + "/vbmc.log");
}

}  // namespace ingot::test
