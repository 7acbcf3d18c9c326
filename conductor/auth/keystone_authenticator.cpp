#include "conductor/auth/keystone_authenticator.h"

#include <chrono>
#include <ctime>

#include "common/log.h"

namespace ingot::conductor::auth {
namespace {

const char* const kInvalidToken =
    "The token in X-Auth-Token is not valid: it is unknown to Keystone, expired or revoked.";

// Keystone's clock says when a token expires; the cache runs on the
// steady clock.
CredentialCache::Clock::time_point steady_deadline(long long expires_at) {
    const auto left = std::chrono::seconds(expires_at - static_cast<long long>(std::time(nullptr)));
    return CredentialCache::Clock::now() + left;
}

}  // namespace

const std::string& auth_token(const http::Request& request) {
    auto it = request.headers.find("x-auth-token");
    if (it == request.headers.end() || it->second.empty())
        throw Unauthorized("Authentication required: send a Keystone token in the X-Auth-Token header.");
    const std::string& token = it->second;
    if (token.size() > kMaxTokenBytes)
        throw Unauthorized("The token in X-Auth-Token is longer than " + std::to_string(kMaxTokenBytes) +
                           " bytes; no Keystone token is.");
    // Fernet and JWS tokens are URL-safe base64 (and dots): anything else,
    // a CR or LF above all, never goes on to Keystone in a header.
    for (unsigned char ch : token)
        if (ch < 0x21 || ch > 0x7e) throw Unauthorized("The token in X-Auth-Token holds bytes no token has.");
    return token;
}

KeystoneAuthenticator::KeystoneAuthenticator(KeystoneSettings settings)
    : keystone_(std::move(settings)),
      valid_(keystone_.settings().token_cache_time, 10000),
      refused_(keystone_.settings().token_cache_time, 1000) {}

std::string KeystoneAuthenticator::challenge() const {
    return "Keystone uri=\"" + keystone_.settings().www_authenticate_uri + "\"";
}

std::optional<http::Caller> KeystoneAuthenticator::lookup(const http::Request& request) {
    const std::string& token = auth_token(request);
    if (refused_.find(token)) throw Unauthorized(kInvalidToken);
    return valid_.find(token);
}

http::Caller KeystoneAuthenticator::verify(const http::Request& request) {
    const std::string& token = auth_token(request);
    std::optional<KeystoneToken> answer = keystone_.validate(token);
    // Keystone refuses expired tokens itself; a clock ahead of Keystone's
    // must not keep one alive here either.
    if (!answer || answer->expires_at <= static_cast<long long>(std::time(nullptr))) {
        refused_.remember(token, http::Caller{});
        log::info("auth.keystone_refused", {{"client", request.remote_address}});
        throw Unauthorized(kInvalidToken);
    }
    valid_.remember(token, answer->caller, steady_deadline(answer->expires_at));
    return answer->caller;
}

}  // namespace ingot::conductor::auth
