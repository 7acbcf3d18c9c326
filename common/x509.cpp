#include "common/x509.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <memory>

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::x509 {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

// OpenSSL's last error as text, for messages that say why.
std::string openssl_error(const std::string& what) {
    char text[256] = {0};
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return what;
    ERR_error_string_n(code, text, sizeof text);
    return what + ": " + text;
}

void check(int ok, const std::string& what) {
    if (ok != 1) throw Error(openssl_error(what));
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

bool is_ip_address(const std::string& text) {
    unsigned char buf[16];
    return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// A random positive 64-bit serial: browsers and OpenSSL refuse repeats
// from one issuer, and each agent start is its own issuer anyway.
void set_random_serial(X509* cert) {
    Bignum serial(BN_new());
    if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1)
        throw Error(openssl_error("cannot make a certificate serial"));
    if (!BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)))
        throw Error(openssl_error("cannot set the certificate serial"));
}

// Only a subjectAltName, as IPA's certificates: a keyUsage without
// keyCertSign would keep OpenSSL from seeing the certificate as its own
// issuer, and the conductor trusts it as its own anchor.
void add_subject_alt_name(X509* cert, const std::string& address) {
    const std::string value = (is_ip_address(address) ? "IP:" : "DNS:") + address;
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, value.c_str()));
    if (!ext) throw Error(openssl_error("cannot name " + address + " in a certificate"));
    check(X509_add_ext(cert, ext.get(), -1), "cannot add the subjectAltName");
}

long long epoch_of(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return static_cast<long long>(timegm(&tm));
}

std::vector<std::string> alt_names(X509* cert) {
    std::vector<std::string> names;
    auto* list = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!list) return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(list); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(list, i);
        if (name->type == GEN_DNS) {
            const auto* s = name->d.dNSName;
            names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                               static_cast<size_t>(ASN1_STRING_length(s)));
        } else if (name->type == GEN_IPADD) {
            const auto* ip = name->d.iPAddress;
            char text[INET6_ADDRSTRLEN] = {0};
            const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
            if (inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text)) names.emplace_back(text);
        }
    }
    GENERAL_NAMES_free(list);
    return names;
}

std::string fingerprint(X509* cert) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &size) != 1) throw Error(openssl_error("cannot hash a certificate"));
    std::string out;
    char hex[4];
    for (unsigned int i = 0; i < size; ++i) {
        std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", digest[i]);
        out += hex;
    }
    return out;
}

}  // namespace

KeyAndCertificate make_self_signed(const std::string& address, int days) {
    if (address.empty()) throw InvalidInput("a certificate needs an address or name to be issued for");
    Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) throw Error(openssl_error("cannot generate an EC P-256 key"));
    Cert cert(X509_new());
    if (!cert) throw Error(openssl_error("cannot allocate a certificate"));
    check(X509_set_version(cert.get(), X509_VERSION_3), "cannot set the certificate version");
    set_random_serial(cert.get());
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400))
        throw Error(openssl_error("cannot set the certificate's validity"));
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(address.c_str()),
                                     -1, -1, 0),
          "cannot name the certificate's subject");
    check(X509_set_issuer_name(cert.get(), name), "cannot set the certificate's issuer");
    check(X509_set_pubkey(cert.get(), key.get()), "cannot put the key in the certificate");
    add_subject_alt_name(cert.get(), address);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) throw Error(openssl_error("cannot sign the certificate"));

    KeyAndCertificate out;
    Bio key_bio(BIO_new(BIO_s_mem())), cert_bio(BIO_new(BIO_s_mem()));
    if (!key_bio || !cert_bio) throw Error("out of memory writing a certificate");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
          "cannot write the private key");
    check(PEM_write_bio_X509(cert_bio.get(), cert.get()), "cannot write the certificate");
    out.private_key_pem = bio_text(key_bio.get());
    out.certificate_pem = bio_text(cert_bio.get());
    return out;
}

CertificateInfo inspect_pem(std::string_view pem, size_t max_bytes) {
    if (pem.size() > max_bytes)
        throw InvalidInput("the certificate is " + std::to_string(pem.size()) + " bytes, more than the " +
                           std::to_string(max_bytes) + " allowed");
    const std::string text = trim(pem);
    if (!starts_with(text, "-----BEGIN CERTIFICATE-----"))
        throw InvalidInput("not a PEM certificate (it must start with -----BEGIN CERTIFICATE-----)");
    Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) throw Error("out of memory reading a certificate");
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) throw InvalidInput(openssl_error("not a readable PEM certificate"));
    CertificateInfo info;
    info.sha256_fingerprint = fingerprint(cert.get());
    info.names = alt_names(cert.get());
    info.not_before = epoch_of(X509_get0_notBefore(cert.get()));
    info.not_after = epoch_of(X509_get0_notAfter(cert.get()));
    return info;
}

}  // namespace ingot::x509
