// The policy a conductor enforces when no policy file changes it: Ironic's
// secure-RBAC defaults (as Ironic enforces them with enforce_new_defaults
// and enforce_scope) plus Ingot's own rules, as data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ingot::conductor::auth {

// A rule's scope types (oslo.policy's scope_types): the token scopes it
// accepts before its check is evaluated. kUnchecked: any scope.
using Scopes = std::uint8_t;
inline constexpr Scopes kUnchecked = 0;
inline constexpr Scopes kSystemOnly = 1;
inline constexpr Scopes kDomainOnly = 2;
inline constexpr Scopes kProjectOnly = 4;
inline constexpr Scopes kSystemOrProject = kSystemOnly | kProjectOnly;

struct RuleDefault {
    std::string name;
    std::string check;  // oslo.policy's rule language
    std::string description;
    Scopes scopes = kUnchecked;
};

// Every default rule, each name once, in Ironic's order then Ingot's.
const std::vector<RuleDefault>& policy_defaults();

}  // namespace ingot::conductor::auth
