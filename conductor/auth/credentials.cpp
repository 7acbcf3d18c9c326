#include "conductor/auth/credentials.h"

namespace ingot::conductor::auth {

Credential credential_named(std::string_view key) {
    static constexpr struct {
        std::string_view name;
        Credential credential;
    } kNames[] = {
        {"user_id", Credential::user_id},
        {"user_name", Credential::user_name},
        {"user_domain_id", Credential::user_domain_id},
        {"project_id", Credential::project_id},
        {"project_name", Credential::project_name},
        {"project_domain_id", Credential::project_domain_id},
        {"domain_id", Credential::domain_id},
        {"system_scope", Credential::system_scope},
        {"system", Credential::system_scope},
        {"roles", Credential::roles},
    };
    for (const auto& n : kNames)
        if (n.name == key) return n.credential;
    return Credential::none;
}

std::string_view credential_value(const http::Caller& caller, Credential credential) {
    switch (credential) {
        case Credential::user_id:
            return caller.user_id;
        case Credential::user_name:
            return caller.user_name;
        case Credential::user_domain_id:
            return caller.user_domain_id;
        case Credential::project_id:
            return caller.project_id;
        case Credential::project_name:
            return caller.project_name;
        case Credential::project_domain_id:
            return caller.project_domain_id;
        case Credential::domain_id:
            return caller.domain_id;
        case Credential::system_scope:
            return caller.system_scope ? "all" : "";
        case Credential::roles:
        case Credential::none:
            return "";
    }
    return "";
}

TokenScope token_scope(const http::Caller& caller) {
    if (caller.system_scope) return TokenScope::system;
    if (!caller.domain_id.empty()) return TokenScope::domain;
    if (!caller.project_id.empty()) return TokenScope::project;
    return TokenScope::none;
}

}  // namespace ingot::conductor::auth
