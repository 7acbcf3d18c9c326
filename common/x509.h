// X.509 certificates through OpenSSL, for the agent channel: the ramdisk
// agent makes a key and a self-signed certificate at start (IPA's auto-TLS)
// and sends the certificate in its heartbeats; the conductor checks what it
// received before pinning it, and checks the CA it hands to ramdisks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ingot::x509 {

struct KeyAndCertificate {
    std::string private_key_pem;  // PKCS#8, unencrypted: keep it in memory or a 0600 file
    std::string certificate_pem;
};

// A fresh EC P-256 key and a self-signed certificate for `address` (an IPv4
// or IPv6 address, or a DNS name), named in the subject's CN and in the
// subjectAltName (IP or DNS), valid from an hour ago (clocks of freshly
// booted machines are often behind) for `days` days. Throws Error.
KeyAndCertificate make_self_signed(const std::string& address, int days = 30);

struct CertificateInfo {
    std::string sha256_fingerprint;  // "AB:CD:..." of the DER encoding
    std::vector<std::string> names;  // subjectAltName IPs and DNS names
    long long not_before = 0;        // seconds since the epoch
    long long not_after = 0;
};

// What `pem` holds when it is PEM text of one or more certificates (the
// first one is described); throws InvalidInput naming what is wrong
// otherwise: no certificate, garbage around it, more than `max_bytes`.
CertificateInfo inspect_pem(std::string_view pem, size_t max_bytes = 64 * 1024);

}  // namespace ingot::x509
