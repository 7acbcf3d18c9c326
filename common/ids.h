// Identifiers and timestamps in the forms Ironic uses.
#pragma once

#include <string>
#include <string_view>

namespace ingot {

// A random (version 4) UUID, lower case, from OpenSSL's CSPRNG.
std::string generate_uuid();
bool is_uuid_like(std::string_view s);
// Lower-cases a UUID-like string; callers check is_uuid_like first.
std::string normalize_uuid(std::string_view s);

// A MAC in the colon form Ironic stores (lower case); false if not a MAC.
bool normalize_mac(std::string_view in, std::string& out);

// Random URL-safe token of `bytes` random bytes (agent tokens, request ids).
std::string generate_token(size_t bytes);

// Now as "2026-11-22T02:50:19.015184+00:00", Ironic's timestamp format.
std::string utc_now_iso();

// Seconds since the epoch of such a timestamp (fraction and offset ignored:
// Ingot writes UTC); 0 if it cannot be read.
long long epoch_of_iso(const std::string& iso);

}  // namespace ingot
