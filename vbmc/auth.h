// Who may use the BMC: user names and passwords from --username/--password
// or an --auth-file, checked for HTTP Basic and for new sessions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ingot::vbmc {

class Credentials {
public:
    // No users: authentication is off and every request is allowed.
    bool enabled() const { return !users_.empty(); }
    void add(const std::string& user, const std::string& password) { users_[user] = password; }
    // Compares in constant time for a known user (no timing oracle on the password).
    bool check(const std::string& user, const std::string& password) const;

    // One "user:password" per line; blank lines and lines starting with '#'
    // are skipped. Throws ConfigError.
    static Credentials load_file(const std::string& path);

private:
    std::map<std::string, std::string> users_;
};

// Splits an "Authorization: Basic base64(user:password)" header value;
// nullopt when it is not well-formed Basic.
std::optional<std::pair<std::string, std::string>> parse_basic_auth(const std::string& header);

// RFC 4648 base64; nullopt on a bad character or length.
std::optional<std::string> base64_decode(const std::string& in);

}  // namespace ingot::vbmc
