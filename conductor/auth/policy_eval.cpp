#include "conductor/auth/policy_eval.h"

#include <optional>
#include <string_view>

#include "conductor/auth/credentials.h"

namespace ingot::conductor::auth {

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_text(std::string_view a, std::string_view b, bool ignore_case) {
    if (a.size() != b.size()) return false;
    if (!ignore_case) return a == b;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::optional<std::string_view> substitution(const std::string& key, const EvalContext& context) {
    std::string_view value;
    if (auto it = context.target.find(key); it != context.target.end()) {
        value = it->second;
    } else if (Credential c = credential_named(key); c != Credential::none && c != Credential::roles) {
        value = credential_value(context.caller, c);
    } else if (auto cit = context.config_values.find(key); cit != context.config_values.end()) {
        value = cit->second;
    }
    if (value.empty()) return std::nullopt;
    return value;
}

// True when `value` is exactly `match` with its substitutions made.
bool matches(const Match& match, std::string_view value, const EvalContext& context, bool ignore_case) {
    if (value.empty()) return false;
    std::size_t at = 0;
    for (const MatchPart& part : match) {
        std::string_view piece = part.text;
        if (part.from_target) {
            auto v = substitution(part.text, context);
            if (!v) return false;
            piece = *v;
        }
        if (value.size() - at < piece.size() || !same_text(value.substr(at, piece.size()), piece, ignore_case))
            return false;
        at += piece.size();
    }
    return at == value.size();
}

bool generic_check(const Expr& e, const EvalContext& context) {
    if (e.left_is_constant) return matches(e.match, e.left, context, false);
    if (e.credential == Credential::roles) {
        // oslo compares a list credential element by element.
        for (const auto& role : context.caller.roles)
            if (matches(e.match, role, context, false)) return true;
        return false;
    }
    return matches(e.match, credential_value(context.caller, e.credential), context, false);
}

}  // namespace

bool evaluate(const Expr& e, const EvalContext& context) {
    switch (e.op) {
        case Expr::Op::always:
            return true;
        case Expr::Op::never:
            return false;
        case Expr::Op::all_of:
            for (const Expr& operand : e.operands)
                if (!evaluate(operand, context)) return false;
            return true;
        case Expr::Op::any_of:
            for (const Expr& operand : e.operands)
                if (evaluate(operand, context)) return true;
            return false;
        case Expr::Op::negate:
            return !evaluate(e.operands.front(), context);
        case Expr::Op::rule:
            return evaluate(context.rules[e.rule_index], context);
        case Expr::Op::role:
            // oslo compares role names without regard to case.
            for (const auto& role : context.caller.roles)
                if (matches(e.match, role, context, true)) return true;
            return false;
        case Expr::Op::generic:
            return generic_check(e, context);
    }
    return false;
}

}  // namespace ingot::conductor::auth
