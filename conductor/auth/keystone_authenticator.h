// auth_strategy = keystone: the X-Auth-Token of each request is validated
// by Keystone, as keystonemiddleware's auth_token does for Ironic. Answers
// are remembered for [keystone_authtoken] token_cache_time (never past the
// token's own expires_at), good and bad alike, so a token costs one round
// trip to Keystone per cache period.
#pragma once

#include "conductor/auth/authenticator.h"
#include "conductor/auth/credential_cache.h"
#include "conductor/auth/keystone_client.h"

namespace ingot::conductor::auth {

// Larger tokens are refused without asking Keystone: a Fernet token is
// about 200 bytes, a JWS token under 1 KiB.
inline constexpr size_t kMaxTokenBytes = 8192;

class KeystoneAuthenticator : public Authenticator {
public:
    explicit KeystoneAuthenticator(KeystoneSettings settings);

    std::optional<http::Caller> lookup(const http::Request& request) override;
    http::Caller verify(const http::Request& request) override;
    std::string challenge() const override;
    const char* name() const override { return "keystone"; }

private:
    KeystoneClient keystone_;
    CredentialCache valid_;
    // Tokens Keystone refused, apart so that a flood of made-up tokens
    // cannot push the good ones out.
    CredentialCache refused_;
};

// The X-Auth-Token of `request`; throws Unauthorized when there is none or
// it cannot be a token (too long, bytes outside printable ASCII).
const std::string& auth_token(const http::Request& request);

}  // namespace ingot::conductor::auth
