#include "conductor/auth/policy_check_parser.h"

#include <string>

#include "conductor/auth/credentials.h"
#include "conductor/auth/policy_parser.h"

namespace ingot::conductor::auth {

namespace {

bool is_quoted(std::string_view s) {
    return s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front();
}

bool is_integer(std::string_view s) {
    if (!s.empty() && s.front() == '-') s.remove_prefix(1);
    if (s.empty() || (s.size() > 1 && s.front() == '0')) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// oslo.policy evaluates the left-hand side with Python's literal_eval and
// compares its str() with the right-hand side: 'text' and "text" give text,
// True/False/None and integers give themselves. Anything else is a key.
bool parse_constant(std::string_view left, std::string& out) {
    if (is_quoted(left)) {
        out = std::string(left.substr(1, left.size() - 2));
        return true;
    }
    if (left == "True" || left == "False" || left == "None" || is_integer(left)) {
        out = std::string(left);
        return true;
    }
    return false;
}

// The right-hand side: literal text with %(key)s substitutions from the
// target (Python's %-formatting, which is what oslo applies); %% is a '%'.
// A documented string constant may be quoted: 'abc' means abc.
Match parse_match(std::string_view value, std::size_t column) {
    if (value.empty()) throw PolicySyntaxError("nothing after ':'", column);
    if (is_quoted(value)) {
        value = value.substr(1, value.size() - 2);
        ++column;
    }
    Match match;
    std::string literal;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '%') {
            literal += value[i];
        } else if (i + 1 < value.size() && value[i + 1] == '%') {
            literal += '%';
            ++i;
        } else {
            std::size_t close = value.find(')', i);
            if (i + 1 >= value.size() || value[i + 1] != '(' || close == std::string_view::npos)
                throw PolicySyntaxError("a '%' must start %(key)s (or be written %%)", column + i);
            if (close == i + 2) throw PolicySyntaxError("%() names no target key", column + i);
            if (close + 1 >= value.size() || value[close + 1] != 's')
                throw PolicySyntaxError("only %(key)s substitutions are supported", column + i);
            if (!literal.empty()) match.push_back({false, std::move(literal)});
            literal.clear();
            match.push_back({true, std::string(value.substr(i + 2, close - i - 2))});
            i = close + 1;
        }
    }
    if (!literal.empty() || match.empty()) match.push_back({false, std::move(literal)});
    return match;
}

}  // namespace

Expr parse_check(std::string_view word, std::size_t column) {
    Expr e;
    if (word == "@") return e;
    if (word == "!") {
        e.op = Expr::Op::never;
        return e;
    }
    std::size_t colon = word.find(':');
    if (colon == std::string_view::npos)
        throw PolicySyntaxError(
            "'" + std::string(word) + "' is not a check: expected KIND:VALUE, '@' (always) or '!' (never)", column);
    std::string_view kind = word.substr(0, colon), value = word.substr(colon + 1);
    if (kind.empty()) throw PolicySyntaxError("nothing before ':'", column);
    if (kind == "http" || kind == "https") throw PolicySyntaxError("remote http checks are not supported", column);
    if (kind == "rule") {
        if (value.empty()) throw PolicySyntaxError("rule: names no rule", column);
        e.op = Expr::Op::rule;
        e.rule_name = std::string(value);
        return e;
    }
    e.match = parse_match(value, column + colon + 1);
    if (kind == "role") {
        e.op = Expr::Op::role;
        return e;
    }
    e.op = Expr::Op::generic;
    e.left_is_constant = parse_constant(kind, e.left);
    if (!e.left_is_constant) {
        e.left = std::string(kind);
        e.credential = credential_named(kind);
    }
    return e;
}

}  // namespace ingot::conductor::auth
