// Who an [DEFAULT] auth_strategy = http_basic user is, for the policy.
#pragma once

#include <string>

#include "http/message.h"

namespace ingot::conductor::auth {

// Ironic lets every htpasswd user do everything (it skips the policy unless
// auth_strategy is keystone). Ingot gives such a user a system-scoped token
// with the admin, member and reader roles instead (Keystone's implied roles
// of admin), so Ironic's defaults let it do everything too, while a policy
// file can still restrict users by name: user_id and user_name are both the
// htpasswd name (the file has no separate id). No project or domain is set:
// an htpasswd file has neither, and project-scoped rules must not match.
http::Caller basic_auth_caller(const std::string& user_name);

}  // namespace ingot::conductor::auth
