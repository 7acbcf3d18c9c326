// Evaluates a parsed rule for one caller and target. Nothing here allocates:
// values are compared piece by piece against the %(key)s substitutions
// instead of building the substituted text.
#pragma once

#include <vector>

#include "conductor/auth/policy_expr.h"
#include "conductor/auth/target.h"
#include "http/message.h"

namespace ingot::conductor::auth {

struct EvalContext {
    const http::Caller& caller;
    const Target& target;
    // Values the conductor's configuration adds, looked up after the target
    // and the caller's credentials (Ironic's config.service_project_name).
    const Target& config_values;
    // Every rule by index, for rule:NAME checks (Expr::rule_index).
    const std::vector<Expr>& rules;
};

// A %(key)s substitution is looked up in the target, then among the
// caller's single-valued credentials (Ironic passes its credentials as part
// of every target), then in `config_values`. A key that is missing or whose
// value is empty makes its check fail, whatever it is compared with: a node
// without an owner never matches project_id:%(node.owner)s, even for a
// caller with no project. An empty credential never matches either.
bool evaluate(const Expr& expr, const EvalContext& context);

}  // namespace ingot::conductor::auth
