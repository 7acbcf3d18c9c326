#include "conductor/auth/policy_parser.h"

#include <vector>

#include "conductor/auth/policy_check_parser.h"
#include "conductor/auth/policy_lexer.h"

namespace ingot::conductor::auth {

namespace {

// Recursive descent over oslo's grammar:
//   or_expr  := and_expr ("or" and_expr)*
//   and_expr := unary ("and" unary)*
//   unary    := "not" unary | "(" or_expr ")" | check
// Each "(" and "not" costs one level of `depth_`, bounded by
// kMaxRuleNesting, so no rule text can recurse deeper than that.
class Parser {
public:
    explicit Parser(std::string_view text) : text_(text), tokens_(tokenize_rule(text)) {}

    Expr parse() {
        if (tokens_.empty())
            throw PolicySyntaxError("the rule is blank: write \"\" or \"@\" to allow everyone, \"!\" to deny", 1);
        Expr e = or_expr();
        if (pos_ < tokens_.size()) {
            const PolicyToken& t = tokens_[pos_];
            if (t.kind == PolicyToken::Kind::close) fail("')' closes nothing", t);
            fail("expected 'and', 'or' or the end of the rule, found '" + std::string(t.text) + "'", t);
        }
        return e;
    }

private:
    [[noreturn]] void fail(const std::string& message, const PolicyToken& at) const {
        throw PolicySyntaxError(message, at.offset + 1);
    }
    [[noreturn]] void fail_at_end(const std::string& message) const {
        throw PolicySyntaxError(message, text_.size() + 1);
    }

    bool next_is(PolicyToken::Kind kind) const { return pos_ < tokens_.size() && tokens_[pos_].kind == kind; }

    Expr combine(Expr::Op op, PolicyToken::Kind separator, Expr (Parser::*operand)()) {
        Expr first = (this->*operand)();
        if (!next_is(separator)) return first;
        Expr e;
        e.op = op;
        e.operands.push_back(std::move(first));
        while (next_is(separator)) {
            ++pos_;
            e.operands.push_back((this->*operand)());
        }
        return e;
    }

    Expr or_expr() { return combine(Expr::Op::any_of, PolicyToken::Kind::op_or, &Parser::and_expr); }
    Expr and_expr() { return combine(Expr::Op::all_of, PolicyToken::Kind::op_and, &Parser::unary); }

    void enter(const PolicyToken& t) {
        if (++depth_ > kMaxRuleNesting)
            fail("nested deeper than " + std::to_string(kMaxRuleNesting) + " levels of '(' and 'not'", t);
    }

    Expr unary() {
        if (pos_ >= tokens_.size()) fail_at_end("the rule ends where a check was expected");
        const PolicyToken& t = tokens_[pos_++];
        switch (t.kind) {
            case PolicyToken::Kind::op_not: {
                enter(t);
                Expr e;
                e.op = Expr::Op::negate;
                e.operands.push_back(unary());
                --depth_;
                return e;
            }
            case PolicyToken::Kind::open: {
                enter(t);
                Expr e = or_expr();
                if (!next_is(PolicyToken::Kind::close)) {
                    if (pos_ >= tokens_.size()) fail("this '(' is never closed", t);
                    fail("expected ')' or an operator, found '" + std::string(tokens_[pos_].text) + "'", tokens_[pos_]);
                }
                ++pos_;
                --depth_;
                return e;
            }
            case PolicyToken::Kind::check:
                return parse_check(t.text, t.offset + 1);
            case PolicyToken::Kind::quoted:
                fail(
                    "a quoted string is not a check (a constant goes on one side of ':', e.g. 'shared':%(visibility)s)",
                    t);
            default:
                fail("expected a check, '(' or 'not', found '" + std::string(t.text) + "'", t);
        }
    }

    std::string_view text_;
    std::vector<PolicyToken> tokens_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

}  // namespace

Expr parse_rule(std::string_view text) {
    if (text.empty()) return Expr{};  // oslo: an empty rule always passes
    if (text.size() > kMaxRuleLength)
        throw PolicySyntaxError("the rule is longer than " + std::to_string(kMaxRuleLength) + " characters",
                                kMaxRuleLength + 1);
    return Parser(text).parse();
}

}  // namespace ingot::conductor::auth
