// The policy engine the API's authorisation goes through: Ironic's default
// rules, overridden or extended by an oslo.policy file, all parsed, linked
// and checked when the conductor starts; a request only evaluates trees.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/config.h"
#include "conductor/auth/policy_defaults.h"
#include "conductor/auth/policy_expr.h"
#include "conductor/auth/target.h"
#include "http/message.h"

namespace ingot::conductor::auth {

struct EnforcerOptions {
    // An oslo.policy YAML file; empty: the defaults only. A relative path is
    // relative to the working directory.
    std::string policy_file;
    // The project whose users with the `service` role pass Ironic's
    // rule:service_role (Ironic's rbac_service_project_name, used when
    // rbac_service_role_elevated_access is on); empty: nobody does.
    std::string service_project_name;
};

// [oslo_policy] policy_file, [DEFAULT] rbac_service_role_elevated_access and
// rbac_service_project_name.
EnforcerOptions enforcer_options(const config::Config& config);

// One rule as the conductor enforces it, for listings and samples.
struct EffectiveRule {
    std::string name;
    std::string check;
    std::string description;  // empty for a rule only the policy file defines
    bool overridden = false;  // the policy file sets this default rule
    bool added = false;       // the policy file defines a rule that is not a default
};

// Immutable once built, so every API thread may share one.
class Enforcer {
public:
    // Throws ConfigError naming the file, the rule and the problem when the
    // policy file cannot be read or parsed, a rule does not parse, refers to
    // an undefined rule, takes part in a loop of references or nests too deep.
    explicit Enforcer(const EnforcerOptions& options = {});

    // Whether `caller` passes `rule` for `target`: the caller's token scope
    // must be one of the rule's scope types (Ironic's enforce_scope), then its
    // check must pass. An unknown rule is a programming error: logic_error.
    bool allowed(const std::string& rule, const http::Caller& caller, const Target& target) const;
    // As allowed(), but a refusal throws Forbidden with Ironic's message.
    void authorize(const std::string& rule, const http::Caller& caller, const Target& target) const;

    // Every rule in order: the defaults, then those the file adds.
    std::vector<EffectiveRule> rules() const;
    const std::string& policy_file() const { return policy_file_; }

private:
    struct Rule {
        EffectiveRule shown;
        Scopes scopes = kUnchecked;
        int line = 0;  // in the policy file, when it sets the rule
    };
    void load_defaults();
    void apply_file();
    void compile();
    std::string where(const Rule& rule) const;

    std::string policy_file_;
    std::vector<Rule> rules_;
    std::vector<Expr> trees_;  // trees_[i] is rules_[i]'s check
    std::unordered_map<std::string, std::size_t> index_;
    Target config_values_;
};

}  // namespace ingot::conductor::auth
