#include "conductor/auth/credential_cache.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace ingot::conductor::auth {

CredentialCache::CredentialCache(std::chrono::seconds ttl, size_t capacity)
    : ttl_(ttl), capacity_(capacity), hmac_key_(32, '\0') {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(hmac_key_.data()), static_cast<int>(hmac_key_.size())) != 1)
        throw std::runtime_error("cannot draw a random key for the credential cache");
}

std::string CredentialCache::key_of(std::string_view credential) const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), hmac_key_.data(), static_cast<int>(hmac_key_.size()),
         reinterpret_cast<const unsigned char*>(credential.data()), credential.size(), digest, &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::optional<http::Caller> CredentialCache::find(std::string_view credential) {
    if (ttl_.count() <= 0) return std::nullopt;
    const std::string key = key_of(credential);
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    // An expired entry stays until eviction reaches it in order_.
    if (it == entries_.end() || it->second.expires <= Clock::now()) return std::nullopt;
    return it->second.caller;
}

void CredentialCache::remember(std::string_view credential, const http::Caller& caller,
                               std::optional<Clock::time_point> expires) {
    if (ttl_.count() <= 0 || capacity_ == 0) return;
    const auto now = Clock::now();
    auto until = now + ttl_;
    if (expires && *expires < until) until = *expires;
    if (until <= now) return;
    std::string key = key_of(credential);
    std::lock_guard lock(mutex_);
    evict_locked(now);
    auto [it, fresh] = entries_.insert_or_assign(key, Entry{caller, until});
    if (fresh) order_.push_back(std::move(key));
}

void CredentialCache::evict_locked(Clock::time_point now) {
    // Forget entries that expired or were dropped, oldest first, and the
    // oldest live ones while the cache is full.
    while (!order_.empty()) {
        auto it = entries_.find(order_.front());
        const bool stale = it == entries_.end() || it->second.expires <= now;
        if (!stale && entries_.size() < capacity_) break;
        if (it != entries_.end()) entries_.erase(it);
        order_.pop_front();
    }
}

void CredentialCache::forget_all() {
    std::lock_guard lock(mutex_);
    entries_.clear();
    order_.clear();
}

size_t CredentialCache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace ingot::conductor::auth
