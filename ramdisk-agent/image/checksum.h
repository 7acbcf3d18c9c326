// Streaming image checksums as Ironic hands them to the agent: Glance's
// multihash (`os_hash_algo` + `os_hash_value`) or the legacy `checksum`,
// which is MD5 in Glance but may be a SHA-2 digest in standalone Ironic, so
// its algorithm is recognised by its length (as ironic-python-agent does).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace ingot::agent::image {

enum class HashAlgo { md5, sha256, sha512 };

// "md5", "sha256", "sha512" (case-insensitive); throws InvalidInput otherwise.
HashAlgo parse_hash_algo(std::string_view name);
std::string to_string(HashAlgo algo);

struct ExpectedChecksum {
    HashAlgo algo = HashAlgo::sha256;
    std::string hex;  // lower-case; empty: nothing to verify against
};

// Picks what to verify: os_hash_value with os_hash_algo when given, else the
// legacy checksum (32 hex digits md5, 64 sha256, 128 sha512). Throws
// InvalidInput for a value that is not hex or does not match its algorithm.
ExpectedChecksum resolve_checksum(std::string_view os_hash_algo, std::string_view os_hash_value,
                                  std::string_view legacy_checksum);

// An incremental digest over OpenSSL's EVP; reset() starts over (used when a
// server ignores Range and the download restarts from byte zero).
class Hasher {
public:
    explicit Hasher(HashAlgo algo);
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    void update(const void* data, size_t size);
    void reset();
    // The digest of everything so far, lower-case hex; the state is kept, so
    // it may be called again after more update()s.
    std::string hex_digest() const;
    HashAlgo algo() const { return algo_; }

private:
    struct Ctx;
    HashAlgo algo_;
    std::unique_ptr<Ctx> ctx_;
};

}  // namespace ingot::agent::image
