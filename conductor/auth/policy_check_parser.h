// One check of the policy language: "@", "!", rule:NAME, role:NAME or a
// generic KEY:VALUE comparison (see oslo.policy's _checks.py).
#pragma once

#include <cstddef>
#include <string_view>

#include "conductor/auth/policy_expr.h"

namespace ingot::conductor::auth {

// `column` is the 1-based column of `word` in its rule, for errors
// (PolicySyntaxError).
Expr parse_check(std::string_view word, std::size_t column);

}  // namespace ingot::conductor::auth
