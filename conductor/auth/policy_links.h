// Links a policy's rules together once, at load: every rule:NAME check gets
// the index of the rule it names, and the reference graph is checked so that
// no request can meet a loop, a chain deep enough to exhaust the stack, or a
// rule whose evaluation fans out through references into millions of checks.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/errors.h"
#include "conductor/auth/policy_expr.h"

namespace ingot::conductor::auth {

// Levels of evaluation a rule may need, counting the levels of the rules it
// refers to; each costs one small stack frame.
inline constexpr int kMaxEvaluationDepth = 256;
// Checks one evaluation may visit in the worst case, references included.
inline constexpr std::size_t kMaxEvaluationChecks = 100000;

class PolicyLinkError : public ConfigError {
public:
    PolicyLinkError(std::size_t rule, const std::string& message) : ConfigError(message), rule_(rule) {}
    std::size_t rule() const { return rule_; }  // index of the rule at fault

private:
    std::size_t rule_;
};

// `rules[i]` is the rule named `names[i]`; `index` maps each name to i.
void link_rules(std::vector<Expr>& rules, const std::vector<std::string>& names,
                const std::unordered_map<std::string, std::size_t>& index);

}  // namespace ingot::conductor::auth
