#include "conductor/auth/basic_authenticator.h"

#include <openssl/evp.h>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "conductor/auth/basic_auth_caller.h"

namespace ingot::conductor::auth {
namespace {

// Big enough for any user:password a person types; bounds the work of
// decoding before anything is checked.
constexpr size_t kMaxHeaderBytes = 4096;

bool decode_base64(const std::string& in, std::string& out) {
    if (in.empty() || in.size() % 4 != 0 || in.size() > kMaxHeaderBytes) return false;
    out.assign(in.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0) return false;
    size_t padding = 0;
    if (in[in.size() - 1] == '=') ++padding;
    if (in[in.size() - 2] == '=') ++padding;
    out.resize(static_cast<size_t>(n) - padding);
    return true;
}

}  // namespace

std::pair<std::string, std::string> basic_credentials(const http::Request& request) {
    auto header = request.header("authorization");
    if (!header) throw Unauthorized("Authorization required: this API needs a user name and password.");
    const std::string value = trim(*header);
    const auto space = value.find(' ');
    if (space == std::string::npos || to_lower(value.substr(0, space)) != "basic")
        throw Unauthorized("Unsupported authorization type: only Basic is accepted.");
    std::string decoded;
    if (!decode_base64(trim(value.substr(space + 1)), decoded))
        throw Unauthorized("Malformed Basic authorization header.");
    const auto colon = decoded.find(':');
    if (colon == std::string::npos) throw Unauthorized("Malformed Basic authorization header.");
    return {decoded.substr(0, colon), decoded.substr(colon + 1)};
}

BasicAuthenticator::BasicAuthenticator(const std::string& user_file, std::chrono::seconds cache_seconds)
    : users_(user_file), cache_(cache_seconds, 10000) {}

std::optional<http::Caller> BasicAuthenticator::lookup(const http::Request& request) {
    basic_credentials(request);  // refuses a missing or malformed header at once
    return cache_.find(*request.header("authorization"));
}

http::Caller BasicAuthenticator::verify(const http::Request& request) {
    auto [user, password] = basic_credentials(request);
    if (!users_.check(user, password)) {
        log::warning("auth.basic_refused", {{"user", user}, {"client", request.remote_address}});
        throw Unauthorized("Incorrect username or password.");
    }
    http::Caller caller = basic_auth_caller(user);
    cache_.remember(*request.header("authorization"), caller);
    return caller;
}

}  // namespace ingot::conductor::auth
