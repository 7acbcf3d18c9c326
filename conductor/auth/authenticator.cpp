#include "conductor/auth/authenticator.h"

#include "common/errors.h"
#include "conductor/auth/basic_authenticator.h"
#include "conductor/auth/keystone_authenticator.h"

namespace ingot::conductor::auth {
namespace {

class NoAuthenticator : public Authenticator {
public:
    std::optional<http::Caller> lookup(const http::Request&) override { return noauth_caller(); }
    http::Caller verify(const http::Request&) override { return noauth_caller(); }
    std::string challenge() const override { return ""; }
    const char* name() const override { return "noauth"; }
};

}  // namespace

http::Caller noauth_caller() {
    http::Caller caller;
    caller.authenticated = true;
    caller.user_id = "noauth";
    caller.user_name = "noauth";
    caller.system_scope = true;
    caller.roles = {"admin", "member", "reader"};
    return caller;
}

std::unique_ptr<Authenticator> make_authenticator(const config::Config& config) {
    const std::string strategy = config.get_string("DEFAULT", "auth_strategy");
    if (strategy == "noauth") return std::make_unique<NoAuthenticator>();
    if (strategy == "http_basic") {
        const std::string file = config.get_string("DEFAULT", "http_basic_auth_user_file");
        if (file.empty())
            throw ConfigError("[DEFAULT] auth_strategy = http_basic needs [DEFAULT] http_basic_auth_user_file");
        return std::make_unique<BasicAuthenticator>(
            file, std::chrono::seconds(config.get_int("DEFAULT", "http_basic_auth_cache_time")));
    }
    if (strategy == "keystone") return std::make_unique<KeystoneAuthenticator>(keystone_settings(config));
    throw ConfigError("[DEFAULT] auth_strategy: unknown strategy " + strategy);
}

}  // namespace ingot::conductor::auth
