#include "conductor/auth/policy_lexer.h"

namespace ingot::conductor::auth {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool equals_ignoring_case(std::string_view word, std::string_view keyword) {
    if (word.size() != keyword.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        char c = word[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != keyword[i]) return false;
    }
    return true;
}

// One white-space separated word: leading '(' and trailing ')' are tokens of
// their own (a check never starts with '(' or ends with ')': %(key)s ends
// with 's'), what remains is an operator, a quoted string or a check.
void split_word(std::string_view word, std::size_t offset, std::vector<PolicyToken>& out) {
    std::size_t begin = 0;
    while (begin < word.size() && word[begin] == '(') out.push_back({PolicyToken::Kind::open, "(", offset + begin++});
    std::size_t end = word.size();
    while (end > begin && word[end - 1] == ')') --end;
    std::string_view core = word.substr(begin, end - begin);
    if (!core.empty()) {
        using K = PolicyToken::Kind;
        K kind = K::check;
        if (equals_ignoring_case(core, "and")) {
            kind = K::op_and;
        } else if (equals_ignoring_case(core, "or")) {
            kind = K::op_or;
        } else if (equals_ignoring_case(core, "not")) {
            kind = K::op_not;
        } else if (end == word.size() && core.size() >= 2 && (core.front() == '\'' || core.front() == '"') &&
                   core.back() == core.front()) {
            kind = K::quoted;  // oslo makes this a string token that no rule accepts
        }
        out.push_back({kind, core, offset + begin});
    }
    for (std::size_t i = end; i < word.size(); ++i) out.push_back({PolicyToken::Kind::close, ")", offset + i});
}

}  // namespace

std::vector<PolicyToken> tokenize_rule(std::string_view rule) {
    std::vector<PolicyToken> tokens;
    std::size_t i = 0;
    while (i < rule.size()) {
        while (i < rule.size() && is_space(rule[i])) ++i;
        std::size_t start = i;
        while (i < rule.size() && !is_space(rule[i])) ++i;
        if (i > start) split_word(rule.substr(start, i - start), start, tokens);
    }
    return tokens;
}

}  // namespace ingot::conductor::auth
