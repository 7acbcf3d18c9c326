// IPA's auto-TLS: at start the agent makes a private key and a self-signed
// certificate for the address it advertises, serves its command API over
// HTTPS with them, and sends the certificate in its heartbeats
// (agent_verify_ca), so that the conductor pins it and talks to this agent
// only, with the token and the config drive encrypted. The key never leaves
// the machine: it lives in a 0600 file of a 0700 directory (the HTTP server
// loads PEM files) that is removed when the agent stops.
#pragma once

#include <string>

namespace ingot::agent::service {

class AutoTls {
public:
    // Makes the key and certificate for `address` (an IP, bracketed or not,
    // or a DNS name) and writes them into `dir`, created 0700 when missing;
    // an empty `dir` means a fresh directory under $TMPDIR (or /tmp).
    // Throws Error naming what failed.
    AutoTls(const std::string& address, const std::string& dir = "");
    ~AutoTls();
    AutoTls(const AutoTls&) = delete;
    AutoTls& operator=(const AutoTls&) = delete;

    const std::string& certificate_pem() const { return certificate_pem_; }
    const std::string& cert_file() const { return cert_file_; }
    const std::string& key_file() const { return key_file_; }

private:
    std::string dir_;
    bool own_dir_ = false;
    std::string cert_file_;
    std::string key_file_;
    std::string certificate_pem_;
};

}  // namespace ingot::agent::service
