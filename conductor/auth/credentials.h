// The caller's side of a policy check: its credentials by oslo.policy key,
// and the scope of its token.
#pragma once

#include <string_view>

#include "conductor/auth/policy_expr.h"
#include "http/message.h"

namespace ingot::conductor::auth {

// `system` is accepted too: oslo.policy copies system_scope into it.
Credential credential_named(std::string_view key);

// A single-valued credential of the caller, "" when it has none (and for
// `roles` and `none`, which are not single values). A system-scoped token's
// system_scope is "all", as Keystone and oslo.context spell it.
std::string_view credential_value(const http::Caller& caller, Credential credential);

// oslo.policy's token scope, used against a rule's scope types. Unlike
// oslo, which calls every token that is neither system- nor domain-scoped
// "project", a token scoped to nothing at all is `none` here and passes no
// rule that declares scope types: Keystone never issues such a token with
// roles, so one that shows up is an authentication bug, not a user.
enum class TokenScope { none, system, domain, project };
TokenScope token_scope(const http::Caller& caller);

}  // namespace ingot::conductor::auth
