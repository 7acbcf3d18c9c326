// The secured API of an e2e deploy: http_basic (an htpasswd file of bcrypt
// hashes the test writes with libxcrypt), TLS on the API with a certificate
// from a CA the test makes (openssl CLI), valid for 127.0.0.1 (the test)
// and 10.0.2.2 (the guest behind slirp), and that CA handed to the ramdisk
// ([agent] api_ca_file: a second initrd). iPXE in QEMU's NIC ROM cannot
// verify a CA of ours, so the boot files go over plain HTTP from a web
// server of their own, as a production setup serves http_root with nginx
// (StaticFileServer); the agent's own channel is TLS both ways.
#pragma once

#include <memory>
#include <string>

#include "common/process.h"
#include "tests/support/conductor_process.h"
#include "tests/support/vbmc_process.h"

namespace ingot::test {

struct SecureApi {
    TestCa ca;
    std::string htpasswd;
    std::string user = "operator";
    std::string password;

    ApiAccess access() const { return {ca.ca_cert, user, password}; }
    // Sections to append to the conductor's configuration; `file_port`
    // serves http_root ({state_dir}/httpboot) at http://10.0.2.2:PORT.
    std::string config(int file_port) const;
};

// Writes the CA, the API's certificate and key, and the htpasswd file into
// `dir` (which must outlive the conductor).
SecureApi make_secure_api(const std::string& dir);

// `python3 -m http.server` serving `dir` on 127.0.0.1:`port` (plain HTTP,
// GET and HEAD only), stopped by its PID.
class StaticFileServer {
public:
    StaticFileServer(const std::string& dir, int port);
    ~StaticFileServer();
    StaticFileServer(const StaticFileServer&) = delete;
    StaticFileServer& operator=(const StaticFileServer&) = delete;

private:
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
