#include "conductor/auth/keystone_settings.h"

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::conductor::auth {
namespace {

constexpr const char* kSection = "keystone_authtoken";

std::string option(const config::Config& c, const char* name) {
    return trim(c.get_string(kSection, name));
}

void require(const std::string& value, const char* name) {
    if (value.empty())
        throw ConfigError(std::string("[DEFAULT] auth_strategy = keystone needs [keystone_authtoken] ") + name);
}

}  // namespace

std::string keystone_v3_url(const std::string& auth_url) {
    std::string url = trim(auth_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (!starts_with(url, "http://") && !starts_with(url, "https://"))
        throw ConfigError("[keystone_authtoken] auth_url must be an http:// or https:// URL, not '" + url + "'");
    if (ends_with(url, "/v3")) return url;
    return url + "/v3";
}

KeystoneSettings keystone_settings(const config::Config& c) {
    KeystoneSettings s;
    const std::string auth_type = option(c, "auth_type");
    // keystonemiddleware loads any keystoneauth plugin; Ingot speaks only
    // the password method, so anything else would fail on every request.
    if (auth_type != "password" && auth_type != "v3password")
        throw ConfigError("[keystone_authtoken] auth_type = " + auth_type +
                          " is not supported: only password (a service user and password) is");
    require(option(c, "auth_url"), "auth_url");
    s.auth_url = keystone_v3_url(option(c, "auth_url"));
    s.www_authenticate_uri = option(c, "www_authenticate_uri");
    if (s.www_authenticate_uri.empty()) s.www_authenticate_uri = s.auth_url;
    s.username = option(c, "username");
    require(s.username, "username");
    s.password = c.get_string(kSection, "password");
    require(s.password, "password");
    s.project_name = option(c, "project_name");
    require(s.project_name, "project_name");
    s.user_domain_id = option(c, "user_domain_id");
    s.user_domain_name = option(c, "user_domain_name");
    if (s.user_domain_id.empty() && s.user_domain_name.empty()) s.user_domain_id = "default";
    s.project_domain_id = option(c, "project_domain_id");
    s.project_domain_name = option(c, "project_domain_name");
    if (s.project_domain_id.empty() && s.project_domain_name.empty()) s.project_domain_id = "default";
    s.cafile = option(c, "cafile");
    s.insecure = c.get_bool(kSection, "insecure");
    s.token_cache_time = std::chrono::seconds(c.get_int(kSection, "token_cache_time"));
    s.http_timeout = std::chrono::seconds(c.get_int(kSection, "http_connect_timeout"));
    s.max_retries = static_cast<int>(c.get_int(kSection, "http_request_max_retries"));
    return s;
}

}  // namespace ingot::conductor::auth
