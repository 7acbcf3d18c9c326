// Who is calling: `[DEFAULT] auth_strategy` picks how the API learns it.
//   noauth      everyone is a system admin (for a trusted, usually loopback,
//               address only);
//   http_basic  users and bcrypt hashes from an Apache htpasswd file;
//   keystone    an X-Auth-Token validated against Keystone, as
//               keystonemiddleware does.
// Checking a credential can be slow (bcrypt, a round trip to Keystone), and
// the HTTP threads must never wait on it: lookup() answers on the HTTP
// thread from what is already known, verify() runs on the conductor's
// authentication threads.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/config.h"
#include "http/message.h"

namespace ingot::conductor::auth {

class Authenticator {
public:
    virtual ~Authenticator() = default;

    // Fast: the caller when the request's credentials are already known to
    // be good (or need no check); nothing when verify() must decide. Throws
    // Unauthorized when the request can be refused at once (no credentials).
    virtual std::optional<http::Caller> lookup(const http::Request& request) = 0;

    // Slow: checks the credentials for real and remembers the answer for
    // later lookups. Throws Unauthorized naming no secret.
    virtual http::Caller verify(const http::Request& request) = 0;

    // The WWW-Authenticate value of a 401 answer; empty for none.
    virtual std::string challenge() const = 0;

    virtual const char* name() const = 0;
};

// Built from [DEFAULT] auth_strategy and its options; throws ConfigError
// when they are unusable (a missing htpasswd file, an entry that is not
// bcrypt, Keystone options missing).
std::unique_ptr<Authenticator> make_authenticator(const config::Config& config);

// The caller noauth gives every request: a system-scoped admin.
http::Caller noauth_caller();

}  // namespace ingot::conductor::auth
