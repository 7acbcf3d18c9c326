// [keystone_authtoken]: where Keystone is and who the conductor is to it,
// named as keystonemiddleware and keystoneauth name them, read and checked
// once at start.
#pragma once

#include <chrono>
#include <string>

#include "common/config.h"

namespace ingot::conductor::auth {

struct KeystoneSettings {
    std::string auth_url;              // ".../v3", normalised
    std::string www_authenticate_uri;  // what a 401 names
    std::string username;
    std::string password;  // never logged, never in an error
    std::string user_domain_id;
    std::string user_domain_name;
    std::string project_name;
    std::string project_domain_id;
    std::string project_domain_name;
    std::string cafile;
    bool insecure = false;
    std::chrono::seconds token_cache_time{300};
    std::chrono::seconds http_timeout{10};
    int max_retries = 3;
};

// Throws ConfigError naming the option when the section cannot work: no
// auth_url, an auth_type other than password, no user, password or project.
KeystoneSettings keystone_settings(const config::Config& config);

// "http://k:5000", "http://k:5000/", "http://k:5000/v3/" -> "http://k:5000/v3".
std::string keystone_v3_url(const std::string& auth_url);

}  // namespace ingot::conductor::auth
