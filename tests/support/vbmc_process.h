// Test support for ingot-vbmc: a throwaway certificate authority (openssl
// CLI) and a real ingot-vbmc process on a free port, over HTTPS by default,
// stopped by its PID.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "common/process.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

struct TestCa {
    std::string ca_cert;      // trust this
    std::string server_cert;  // signed by it, for IP:127.0.0.1 and DNS:localhost
    std::string server_key;
};

// Writes ca.pem, server.pem and server.key (EC P-256, valid 7 days) to `dir`;
// `extra_names` ("IP:10.0.2.2", "DNS:conductor") join the server's
// subjectAltName.
TestCa make_test_ca(const std::string& dir, const std::vector<std::string>& extra_names = {});

struct VbmcOptions {
    int memory_systems = 2;   // node-0 .. node-<n-1>, unless config_json is set
    std::string config_json;  // written to a file and passed as --config
    bool tls = true;
    std::string username = "admin";  // empty: no authentication
    std::string password = "password";
    bool fault_injection = false;
    bool async_tasks = false;
    std::vector<std::string> extra_args;
};

class VbmcProcess {
public:
    explicit VbmcProcess(VbmcOptions options = {});
    ~VbmcProcess();
    VbmcProcess(const VbmcProcess&) = delete;
    VbmcProcess& operator=(const VbmcProcess&) = delete;

    std::string url() const;  // "https://127.0.0.1:PORT" (http:// without TLS)
    int port() const { return port_; }
    pid_t pid() const { return child_ ? child_->pid() : -1; }
    const std::string& ca_file() const { return ca_.ca_cert; }  // empty without TLS
    const std::string& dir() const { return dir_.path(); }      // logs, config, state/
    const VbmcOptions& options() const { return options_; }

    // A client for url() that trusts the test CA and sends the credentials.
    HttpClient client(std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    std::vector<std::string> system_ids();
    void set_fault(const std::string& system, const std::string& mode);
    // GET /ingot-vbmc/systems/{id}: the machine's state as the BMC sees it.
    nlohmann::json state(const std::string& system);
    std::string log() const;
    // SIGTERM (then SIGKILL); returns the exit code.
    int stop();

private:
    TempDir dir_;
    VbmcOptions options_;
    TestCa ca_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
