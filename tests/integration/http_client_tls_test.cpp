// common/http_client's pinned certificates (TlsVerification::ca_pem), what
// the conductor talks to an auto-TLS agent with, against a real HTTPS
// server: the pinned certificate is trusted, and nothing else is: not
// another self-signed one, not one for another name, not a certificate a
// CA file would trust.
#include <gtest/gtest.h>

#include <fstream>

#include "common/http_client.h"
#include "common/x509.h"
#include "http/server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/vbmc_process.h"

using namespace ingot;

namespace {

// An HTTPS server on 127.0.0.1 answering 200 with the certificate and key
// files given.
class TlsServer {
public:
    TlsServer(const std::string& cert_file, const std::string& key_file)
        : server_([](http::Request&) { return http::Response{200, "{}"}; }, options(cert_file, key_file)) {
        server_.start();
    }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(server_.port()); }

private:
    static http::ServerOptions options(const std::string& cert, const std::string& key) {
        http::ServerOptions o{"127.0.0.1", 0, 1};
        o.tls_cert_file = cert;
        o.tls_key_file = key;
        return o;
    }
    http::Server server_;
};

struct Pem {
    std::string cert_file, key_file, cert;
};

Pem self_signed(const test::TempDir& dir, const std::string& name, const std::string& address) {
    const auto made = x509::make_self_signed(address);
    Pem p{dir.path() + "/" + name + ".pem", dir.path() + "/" + name + ".key", made.certificate_pem};
    std::ofstream(p.cert_file) << made.certificate_pem;
    std::ofstream(p.key_file) << made.private_key_pem;
    return p;
}

long get_with(const std::string& url, TlsVerification tls) {
    HttpClient c(url, std::chrono::seconds(5));
    c.set_tls_verification(std::move(tls));
    return c.request("GET", "/").status;
}

TEST(HttpClientPinnedTls, OnlyThePinnedCertificateIsTrusted) {
    test::TempDir dir;
    const Pem agent = self_signed(dir, "agent", "127.0.0.1");
    const Pem other = self_signed(dir, "other", "127.0.0.1");
    const Pem elsewhere = self_signed(dir, "elsewhere", "127.0.0.2");
    TlsServer server(agent.cert_file, agent.key_file);

    TlsVerification pinned;
    pinned.ca_pem = agent.cert;
    EXPECT_EQ(get_with(server.url(), pinned), 200);

    TlsVerification wrong;
    wrong.ca_pem = other.cert;
    EXPECT_THROW(get_with(server.url(), wrong), HttpTlsError);

    // The right key but a certificate for another address: refused.
    TlsServer misnamed(elsewhere.cert_file, elsewhere.key_file);
    TlsVerification by_name;
    by_name.ca_pem = elsewhere.cert;
    EXPECT_THROW(get_with(misnamed.url(), by_name), HttpTlsError);

    // A CA file that would trust the server does not widen a pin.
    const test::TestCa ca = test::make_test_ca(dir.path());
    TlsServer signed_by_ca(ca.server_cert, ca.server_key);
    TlsVerification by_ca;
    by_ca.ca_path = ca.ca_cert;
    EXPECT_EQ(get_with(signed_by_ca.url(), by_ca), 200);
    TlsVerification pin_and_ca = by_ca;
    pin_and_ca.ca_pem = agent.cert;
    EXPECT_THROW(get_with(signed_by_ca.url(), pin_and_ca), HttpTlsError);
}

}  // namespace
