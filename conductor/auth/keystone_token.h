// What Keystone says about a token (GET or POST /v3/auth/tokens answers
// {"token": {...}}), in the terms the policy reads.
#pragma once

#include <string_view>

#include "http/message.h"

namespace ingot::conductor::auth {

struct KeystoneToken {
    http::Caller caller;      // user, scope and roles exactly as Keystone lists them
    long long issued_at = 0;  // seconds since the epoch, Keystone's clock
    long long expires_at = 0;
};

// Throws ingot::Error naming what is missing when `body` is not a token
// document (no user id, no expires_at).
KeystoneToken parse_keystone_token(std::string_view body);

}  // namespace ingot::conductor::auth
