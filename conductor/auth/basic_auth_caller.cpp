#include "conductor/auth/basic_auth_caller.h"

namespace ingot::conductor::auth {

http::Caller basic_auth_caller(const std::string& user_name) {
    http::Caller caller;
    caller.authenticated = true;
    caller.user_id = user_name;
    caller.user_name = user_name;
    caller.system_scope = true;
    caller.roles = {"admin", "member", "reader"};
    return caller;
}

}  // namespace ingot::conductor::auth
