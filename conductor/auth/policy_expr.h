// A policy rule parsed once into a tree (oslo.policy's check tree), so that
// a request evaluates it without touching the rule's text again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ingot::conductor::auth {

// The credentials a generic check can compare: the keys of oslo.context's
// to_policy_values() as Ironic fills them, plus user_name (Ingot adds it so
// that a policy file can name htpasswd users). `none` is any other key: it
// never matches, as a key missing from oslo's credentials never does.
enum class Credential : std::uint8_t {
    none,
    user_id,
    user_name,
    user_domain_id,
    project_id,
    project_name,
    project_domain_id,
    domain_id,
    system_scope,
    roles,
};

// One piece of a check's right-hand side: literal text, or the value of a
// target key written %(key)s.
struct MatchPart {
    bool from_target = false;
    std::string text;  // the literal, or the key
};
using Match = std::vector<MatchPart>;

struct Expr {
    enum class Op : std::uint8_t { always, never, all_of, any_of, negate, rule, role, generic };
    Op op = Op::always;
    std::vector<Expr> operands;  // all_of, any_of: two or more; negate: one

    // rule: the referenced name, and its index in the enforcer's rule table
    // (set when the enforcer links the policy).
    std::string rule_name;
    std::size_t rule_index = 0;

    // generic: the left-hand side is either a credential key or a constant
    // ('shared', True, 20) compared with the right-hand side.
    std::string left;  // the key as written, or the constant's text
    bool left_is_constant = false;
    Credential credential = Credential::none;

    Match match;  // role, generic
};

}  // namespace ingot::conductor::auth
