// auth_strategy = http_basic: `Authorization: Basic` checked against the
// htpasswd file ([DEFAULT] http_basic_auth_user_file). As in Ironic, every
// user it knows is an administrator; a policy file can narrow that by user.
#pragma once

#include <memory>

#include "conductor/auth/authenticator.h"
#include "conductor/auth/credential_cache.h"
#include "conductor/auth/htpasswd.h"

namespace ingot::conductor::auth {

class BasicAuthenticator : public Authenticator {
public:
    // `cache_seconds` bounds how long a removed user or a changed password
    // still gets in (0: check every request, at a bcrypt run each).
    BasicAuthenticator(const std::string& user_file, std::chrono::seconds cache_seconds);

    std::optional<http::Caller> lookup(const http::Request& request) override;
    http::Caller verify(const http::Request& request) override;
    std::string challenge() const override { return "Basic realm=\"Baremetal API\""; }
    const char* name() const override { return "http_basic"; }

private:
    HtpasswdFile users_;
    CredentialCache cache_;
};

// The user and password of an `Authorization: Basic` header; throws
// Unauthorized when it is missing or malformed.
std::pair<std::string, std::string> basic_credentials(const http::Request& request);

}  // namespace ingot::conductor::auth
