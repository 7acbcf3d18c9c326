// oslo.policy's rule language ("role:admin and (project_id:%(node.owner)s or
// not rule:x)") parsed into an Expr tree. The tokens are oslo's: words split
// on white space, '(' and ')' peeled off their ends, and/or/not in any case;
// precedence is not > and > or. Where oslo fails closed at request time (a
// rule it cannot parse becomes "never"), this parser refuses the rule with
// the column of the problem, so a bad policy file stops the start instead.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/errors.h"
#include "conductor/auth/policy_expr.h"

namespace ingot::conductor::auth {

// Rule texts come from an operator's file; these bounds keep a hostile or
// mistaken one from exhausting the stack (the parser and the evaluator
// recurse once per level).
inline constexpr std::size_t kMaxRuleLength = 64 * 1024;
inline constexpr int kMaxRuleNesting = 64;  // parentheses and `not`s

class PolicySyntaxError : public ConfigError {
public:
    // `column` is 1-based; the message says where and what.
    PolicySyntaxError(const std::string& message, std::size_t column)
        : ConfigError("column " + std::to_string(column) + ": " + message), column_(column) {}
    std::size_t column() const { return column_; }

private:
    std::size_t column_;
};

// An empty text is "always", as in oslo.policy.
Expr parse_rule(std::string_view text);

}  // namespace ingot::conductor::auth
