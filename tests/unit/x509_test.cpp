// common/x509: the self-signed certificates of the agent's auto-TLS, and
// what the conductor reads from a certificate before pinning it.
#include <gtest/gtest.h>

#include <ctime>

#include "common/errors.h"
#include "common/x509.h"

using namespace ingot;

namespace {

TEST(X509, SelfSignedForAnAddressNamesItAndIsValidNow) {
    const auto made = x509::make_self_signed("10.0.2.15", 30);
    EXPECT_EQ(made.certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_NE(made.private_key_pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
    const auto info = x509::inspect_pem(made.certificate_pem);
    EXPECT_EQ(info.names, std::vector<std::string>{"10.0.2.15"});
    const long long now = std::time(nullptr);
    EXPECT_LE(info.not_before, now - 3000) << "an agent whose clock is behind must accept it";
    EXPECT_GE(info.not_after, now + 29 * 86400);
    EXPECT_EQ(info.sha256_fingerprint.size(), 32u * 3 - 1);  // AB:CD:...

    // Each start makes a new key: another fingerprint.
    EXPECT_NE(x509::inspect_pem(x509::make_self_signed("10.0.2.15").certificate_pem).sha256_fingerprint,
              info.sha256_fingerprint);
}

TEST(X509, IPv6AndDnsNames) {
    EXPECT_EQ(x509::inspect_pem(x509::make_self_signed("fd00::15").certificate_pem).names,
              std::vector<std::string>{"fd00::15"});
    EXPECT_EQ(x509::inspect_pem(x509::make_self_signed("agent.example").certificate_pem).names,
              std::vector<std::string>{"agent.example"});
    EXPECT_THROW(x509::make_self_signed(""), InvalidInput);
}

TEST(X509, WhatIsNotOneCertificateIsRefusedSayingWhy) {
    try {
        x509::inspect_pem("hello");
        FAIL() << "accepted";
    } catch (const InvalidInput& e) {
        EXPECT_NE(std::string(e.what()).find("must start with -----BEGIN CERTIFICATE-----"), std::string::npos);
    }
    EXPECT_THROW(x509::inspect_pem("-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n"),
                 InvalidInput);
    const auto made = x509::make_self_signed("127.0.0.1");
    EXPECT_THROW(x509::inspect_pem(made.private_key_pem), InvalidInput) << "a key is no certificate";
    EXPECT_THROW(x509::inspect_pem(made.certificate_pem + std::string(70000, ' ')), InvalidInput) << "too big";
    EXPECT_NO_THROW(x509::inspect_pem("\n  " + made.certificate_pem));
}

}  // namespace
