// The conductor's side of Keystone, as keystonemiddleware's auth_token
// talks to it: a service token of its own (password method, project
// scope), fetched when first needed, renewed before it expires and once
// when Keystone refuses it, and user tokens validated with
// GET /v3/auth/tokens (X-Auth-Token: the service token, X-Subject-Token:
// the user's). Safe to call from several threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "common/http_client.h"
#include "conductor/auth/keystone_settings.h"
#include "conductor/auth/keystone_token.h"

namespace ingot::conductor::auth {

// Keystone could not say whether a token is good: unreachable, a 5xx, or
// it refused the conductor's own credentials. The caller is not at fault
// (503, as keystonemiddleware answers), and the message holds no secret.
class KeystoneUnavailable : public ServiceUnavailable {
public:
    using ServiceUnavailable::ServiceUnavailable;
};

class KeystoneClient {
public:
    explicit KeystoneClient(KeystoneSettings settings);
    ~KeystoneClient();

    // What Keystone says of `user_token`; nothing when Keystone does not
    // know it (invalid, expired or revoked: its 404). Throws
    // KeystoneUnavailable when Keystone gives no such answer.
    std::optional<KeystoneToken> validate(const std::string& user_token);

    const KeystoneSettings& settings() const { return settings_; }

private:
    struct ServiceToken {
        std::string id;
        long long refresh_at = 0;  // seconds since the epoch
    };

    // The service token to use, fetching a new one when there is none, it
    // is about to expire, or it is `refused` (the one Keystone just
    // answered 401 to).
    std::string service_token(const std::string& refused = "");
    ServiceToken fetch_service_token();
    HttpResponse send(std::string_view method, std::string_view path, std::string_view body,
                      const HttpHeaders& headers);
    std::unique_ptr<HttpClient> take_client();
    void give_back(std::unique_ptr<HttpClient> client);

    KeystoneSettings settings_;
    std::mutex token_mutex_;  // guards service_; held while fetching, so one fetch at a time
    ServiceToken service_;
    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<HttpClient>> idle_;  // one libcurl handle per concurrent caller
};

}  // namespace ingot::conductor::auth
