#include "ramdisk-agent/image/checksum.h"

#include <openssl/evp.h>

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::agent::image {

HashAlgo parse_hash_algo(std::string_view name) {
    std::string n = to_lower(trim(name));
    if (n == "md5") return HashAlgo::md5;
    if (n == "sha256") return HashAlgo::sha256;
    if (n == "sha512") return HashAlgo::sha512;
    throw InvalidInput("unsupported image checksum algorithm '" + std::string(name) +
                       "' (expected md5, sha256 or sha512)");
}

std::string to_string(HashAlgo algo) {
    switch (algo) {
        case HashAlgo::md5:
            return "md5";
        case HashAlgo::sha256:
            return "sha256";
        case HashAlgo::sha512:
            return "sha512";
    }
    return "?";
}

namespace {

size_t hex_length(HashAlgo algo) {
    switch (algo) {
        case HashAlgo::md5:
            return 32;
        case HashAlgo::sha256:
            return 64;
        case HashAlgo::sha512:
            return 128;
    }
    return 0;
}

std::string checked_hex(std::string_view value, HashAlgo algo, std::string_view field) {
    std::string hex = to_lower(trim(value));
    for (char c : hex)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            throw InvalidInput(std::string(field) + " '" + std::string(value) + "' is not a hexadecimal digest");
    if (hex.size() != hex_length(algo))
        throw InvalidInput(std::string(field) + " has " + std::to_string(hex.size()) + " hex digits, " +
                           to_string(algo) + " needs " + std::to_string(hex_length(algo)));
    return hex;
}

const EVP_MD* evp_md(HashAlgo algo) {
    switch (algo) {
        case HashAlgo::md5:
            return EVP_md5();
        case HashAlgo::sha256:
            return EVP_sha256();
        case HashAlgo::sha512:
            return EVP_sha512();
    }
    return nullptr;
}

}  // namespace

ExpectedChecksum resolve_checksum(std::string_view os_hash_algo, std::string_view os_hash_value,
                                  std::string_view legacy_checksum) {
    if (!trim(os_hash_value).empty()) {
        if (trim(os_hash_algo).empty()) throw InvalidInput("os_hash_value is set but os_hash_algo is not");
        HashAlgo algo = parse_hash_algo(os_hash_algo);
        return {algo, checked_hex(os_hash_value, algo, "os_hash_value")};
    }
    std::string legacy = trim(legacy_checksum);
    if (legacy.empty()) return {};
    HashAlgo algo;
    switch (legacy.size()) {
        case 64:
            algo = HashAlgo::sha256;
            break;
        case 128:
            algo = HashAlgo::sha512;
            break;
        default:
            algo = HashAlgo::md5;
            break;  // Glance's checksum; a wrong length fails in checked_hex
    }
    return {algo, checked_hex(legacy, algo, "checksum")};
}

struct Hasher::Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(HashAlgo algo) : algo_(algo), ctx_(std::make_unique<Ctx>()) {
    if (!ctx_->ctx) throw Error("cannot allocate a " + to_string(algo) + " context");
    reset();
}

Hasher::~Hasher() = default;

void Hasher::update(const void* data, size_t size) {
    if (size > 0 && EVP_DigestUpdate(ctx_->ctx, data, size) != 1) throw Error(to_string(algo_) + " update failed");
}

void Hasher::reset() {
    if (EVP_DigestInit_ex(ctx_->ctx, evp_md(algo_), nullptr) != 1)
        throw Error("cannot initialise " + to_string(algo_) + " (disabled by the OpenSSL configuration?)");
}

std::string Hasher::hex_digest() const {
    // Finalise a copy so that the running state stays usable.
    Ctx copy;
    if (EVP_MD_CTX_copy_ex(copy.ctx, ctx_->ctx) != 1) throw Error(to_string(algo_) + " copy failed");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(copy.ctx, digest, &len) != 1) throw Error(to_string(algo_) + " finalisation failed");
    static const char* digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        hex.push_back(digits[digest[i] >> 4]);
        hex.push_back(digits[digest[i] & 0xf]);
    }
    return hex;
}

}  // namespace ingot::agent::image
