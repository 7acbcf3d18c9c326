#include "conductor/auth/enforcer.h"

#include <stdexcept>

#include "common/errors.h"
#include "common/log.h"
#include "conductor/auth/credentials.h"
#include "conductor/auth/policy_eval.h"
#include "conductor/auth/policy_file.h"
#include "conductor/auth/policy_links.h"
#include "conductor/auth/policy_parser.h"

namespace ingot::conductor::auth {

namespace {

Scopes scope_bit(TokenScope scope) {
    switch (scope) {
        case TokenScope::system:
            return kSystemOnly;
        case TokenScope::domain:
            return kDomainOnly;
        case TokenScope::project:
            return kProjectOnly;
        case TokenScope::none:
            return 0;
    }
    return 0;
}

// A generic check on a key no caller ever has (a typo such as projet_id, or
// a credential Ingot does not carry) can never pass: say so at start.
void warn_unknown_keys(const Expr& e, const std::string& rule, const std::string& file) {
    if (e.op == Expr::Op::generic && !e.left_is_constant && e.credential == Credential::none)
        log::warning("policy.unknown_credential", {{"file", file}, {"rule", rule}, {"key", e.left}});
    for (const Expr& operand : e.operands) warn_unknown_keys(operand, rule, file);
}

}  // namespace

EnforcerOptions enforcer_options(const config::Config& config) {
    EnforcerOptions options;
    options.policy_file = config.get_string("oslo_policy", "policy_file");
    if (config.get_bool("DEFAULT", "rbac_service_role_elevated_access"))
        options.service_project_name = config.get_string("DEFAULT", "rbac_service_project_name");
    return options;
}

Enforcer::Enforcer(const EnforcerOptions& options) : policy_file_(options.policy_file) {
    // Ironic's contexts carry this among the values every target includes.
    if (!options.service_project_name.empty())
        config_values_["config.service_project_name"] = options.service_project_name;
    load_defaults();
    if (!policy_file_.empty()) apply_file();
    compile();
}

void Enforcer::load_defaults() {
    for (const RuleDefault& d : policy_defaults()) {
        index_.emplace(d.name, rules_.size());
        rules_.push_back({{d.name, d.check, d.description}, d.scopes, 0});
    }
}

// The file replaces the check of a default rule (keeping its scope types,
// as oslo.policy does) or adds a rule of its own.
void Enforcer::apply_file() {
    for (PolicyFileEntry& entry : read_policy_file(policy_file_)) {
        auto [it, added] = index_.emplace(entry.name, rules_.size());
        if (added) {
            rules_.push_back({{entry.name, std::move(entry.check), "", false, true}, kUnchecked, entry.line});
            continue;
        }
        Rule& rule = rules_[it->second];
        rule.shown.check = std::move(entry.check);
        rule.shown.overridden = true;
        rule.line = entry.line;
    }
}

std::string Enforcer::where(const Rule& rule) const {
    if (rule.line != 0) return "policy file " + policy_file_ + ":" + std::to_string(rule.line) + ": ";
    // A loop may be found at a default rule that the file's rules lead back to.
    if (!policy_file_.empty()) return "policy file " + policy_file_ + ": ";
    throw std::logic_error("Ingot's default policy is inconsistent at rule '" + rule.shown.name + "'");
}

void Enforcer::compile() {
    trees_.reserve(rules_.size());
    std::vector<std::string> names;
    for (const Rule& rule : rules_) {
        try {
            trees_.push_back(parse_rule(rule.shown.check));
        } catch (const PolicySyntaxError& e) {
            if (rule.line == 0) throw std::logic_error("policy default '" + rule.shown.name + "': " + e.what());
            throw ConfigError(where(rule) + "rule '" + rule.shown.name + "': " + e.what());
        }
        if (rule.line != 0) warn_unknown_keys(trees_.back(), rule.shown.name, policy_file_);
        names.push_back(rule.shown.name);
    }
    try {
        link_rules(trees_, names, index_);
    } catch (const PolicyLinkError& e) {
        throw ConfigError(where(rules_[e.rule()]) + e.what());
    }
}

bool Enforcer::allowed(const std::string& rule, const http::Caller& caller, const Target& target) const {
    auto it = index_.find(rule);
    if (it == index_.end()) throw std::logic_error("no policy rule named '" + rule + "'");
    Scopes scopes = rules_[it->second].scopes;
    if (scopes != kUnchecked && (scopes & scope_bit(token_scope(caller))) == 0) return false;
    return evaluate(trees_[it->second], EvalContext{caller, target, config_values_, trees_});
}

void Enforcer::authorize(const std::string& rule, const http::Caller& caller, const Target& target) const {
    if (allowed(rule, caller, target)) return;
    log::info("policy.denied", {{"rule", rule}, {"user_id", caller.user_id}, {"project_id", caller.project_id}});
    // Ironic's HTTPForbidden (403) wording.
    throw Forbidden("Access was denied to the following resource: " + rule);
}

std::vector<EffectiveRule> Enforcer::rules() const {
    std::vector<EffectiveRule> out;
    out.reserve(rules_.size());
    for (const Rule& rule : rules_) out.push_back(rule.shown);
    return out;
}

}  // namespace ingot::conductor::auth
