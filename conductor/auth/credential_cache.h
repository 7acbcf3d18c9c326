// Credentials already checked, for a bounded time: a password's bcrypt
// check costs a tenth of a second and a Keystone token a round trip, so
// each is done once and then looked up. The cache never holds a secret:
// entries are keyed by an HMAC of the credential under a key drawn at
// start, so a memory dump shows neither passwords nor tokens.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/message.h"

namespace ingot::conductor::auth {

class CredentialCache {
public:
    using Clock = std::chrono::steady_clock;

    CredentialCache(std::chrono::seconds ttl, size_t capacity);

    std::optional<http::Caller> find(std::string_view credential);
    // Remembers a good credential until `expires` or the cache's ttl,
    // whichever comes first (a Keystone token's own expiry caps it).
    void remember(std::string_view credential, const http::Caller& caller,
                  std::optional<Clock::time_point> expires = std::nullopt);
    void forget_all();
    size_t size() const;

private:
    std::string key_of(std::string_view credential) const;
    void evict_locked(Clock::time_point now);

    struct Entry {
        http::Caller caller;
        Clock::time_point expires;
    };

    const std::chrono::seconds ttl_;
    const size_t capacity_;
    std::string hmac_key_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::deque<std::string> order_;  // oldest first, for eviction
};

}  // namespace ingot::conductor::auth
