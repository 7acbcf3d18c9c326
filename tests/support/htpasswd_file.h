// Test support: an Apache htpasswd file of bcrypt entries, as `htpasswd -B`
// writes it, made with libxcrypt (cost 4, so tests stay fast).
#pragma once

#include <map>
#include <string>

namespace ingot::test {

// A bcrypt hash of `password` (`prefix` "$2y$" as htpasswd writes, or
// "$2b$").
std::string bcrypt_hash(const std::string& password, const char* prefix = "$2y$");

// Writes user:hash lines for each entry to `path`.
void write_htpasswd(const std::string& path, const std::map<std::string, std::string>& users_and_passwords);

// "Basic <base64 of user:password>", for an Authorization header.
std::string basic_authorization(const std::string& user, const std::string& password);

}  // namespace ingot::test
