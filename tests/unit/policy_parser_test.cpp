// The policy language parser: oslo.policy's grammar and precedence, the
// forms of a check, and the errors (with columns) for what oslo would
// silently turn into "never".
#include <gtest/gtest.h>

#include <string>

#include "conductor/auth/policy_parser.h"

using namespace ingot;
using namespace ingot::conductor::auth;

namespace {

std::string show_match(const Match& match) {
    std::string out;
    for (const auto& part : match) out += part.from_target ? "{" + part.text + "}" : part.text;
    return out;
}

// The tree written back in oslo's str() style: "(a and b)", "(a or b)", "not a".
std::string show(const Expr& e) {
    std::string out;
    switch (e.op) {
        case Expr::Op::always:
            return "@";
        case Expr::Op::never:
            return "!";
        case Expr::Op::negate:
            return "not " + show(e.operands.front());
        case Expr::Op::rule:
            return "rule[" + e.rule_name + "]";
        case Expr::Op::role:
            return "role[" + show_match(e.match) + "]";
        case Expr::Op::generic:
            return (e.left_is_constant ? "const[" : "cred[") + e.left + "]=" + show_match(e.match);
        case Expr::Op::all_of:
        case Expr::Op::any_of:
            for (const auto& operand : e.operands)
                out += (out.empty() ? "(" : e.op == Expr::Op::all_of ? " and " : " or ") + show(operand);
            return out + ")";
    }
    return "?";
}

std::string shown(const std::string& rule) {
    return show(parse_rule(rule));
}

// role:a inside `levels` parentheses (built by appending: GCC 12 warns
// wrongly about operator+ on long temporaries).
std::string nested(std::size_t levels) {
    std::string rule(levels, '(');
    rule += "role:a";
    rule.append(levels, ')');
    return rule;
}

// The error message, with its column, or "" when the rule parses.
std::string error_of(const std::string& rule) {
    try {
        parse_rule(rule);
    } catch (const PolicySyntaxError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(PolicyParser, SpecialChecksAndTheEmptyRule) {
    EXPECT_EQ(shown(""), "@");  // oslo: an empty rule always passes
    EXPECT_EQ(shown("@"), "@");
    EXPECT_EQ(shown("!"), "!");
    EXPECT_EQ(shown("  !  "), "!");
}

TEST(PolicyParser, NotBindsTighterThanAndWhichBindsTighterThanOr) {
    EXPECT_EQ(shown("role:a or role:b and role:c"), "(role[a] or (role[b] and role[c]))");
    EXPECT_EQ(shown("role:a and role:b or role:c"), "((role[a] and role[b]) or role[c])");
    EXPECT_EQ(shown("role:a and role:b or role:c and role:d"), "((role[a] and role[b]) or (role[c] and role[d]))");
    EXPECT_EQ(shown("not role:a and role:b"), "(not role[a] and role[b])");
    EXPECT_EQ(shown("not role:a or role:b"), "(not role[a] or role[b])");
    EXPECT_EQ(shown("not not role:a"), "not not role[a]");
    EXPECT_EQ(shown("role:a or role:b or role:c"), "(role[a] or role[b] or role[c])");
}

TEST(PolicyParser, ParenthesesGroupAndMayTouchTheirChecks) {
    EXPECT_EQ(shown("(role:a or role:b) and role:c"), "((role[a] or role[b]) and role[c])");
    EXPECT_EQ(shown("not (role:a or role:b)"), "not (role[a] or role[b])");
    EXPECT_EQ(shown("((role:a))"), "role[a]");
    EXPECT_EQ(shown("( role:a )"), "role[a]");
    // A substitution's own parentheses are not grouping: only leading '('
    // and trailing ')' of a word are.
    EXPECT_EQ(shown("(project_id:%(node.owner)s)"), "cred[project_id]={node.owner}");
}

TEST(PolicyParser, OperatorsAreCaseInsensitiveWordsOnly) {
    EXPECT_EQ(shown("role:a AND role:b Or NOT role:c"), "((role[a] and role[b]) or not role[c])");
    // "android" is a word, not "and" + "roid".
    EXPECT_EQ(error_of("role:a android"), "column 8: expected 'and', 'or' or the end of the rule, found 'android'");
}

TEST(PolicyParser, KindsOfCheck) {
    EXPECT_EQ(shown("rule:baremetal:node:get"), "rule[baremetal:node:get]");  // split at the first ':'
    EXPECT_EQ(shown("role:Admin"), "role[Admin]");
    EXPECT_EQ(shown("system_scope:all"), "cred[system_scope]=all");
    EXPECT_EQ(shown("project_id:%(node.owner)s"), "cred[project_id]={node.owner}");
    EXPECT_EQ(shown("user_id:u-%(a)s.%(b)s"), "cred[user_id]=u-{a}.{b}");
    EXPECT_EQ(shown("user_id:100%%"), "cred[user_id]=100%");
    EXPECT_EQ(shown("is_admin_project:True"), "cred[is_admin_project]=True");
}

TEST(PolicyParser, ConstantsOnTheLeftAndQuotedValuesOnTheRight) {
    // oslo: a left side that Python reads as a literal is a constant.
    EXPECT_EQ(shown("'shared':%(visibility)s"), "const[shared]={visibility}");
    EXPECT_EQ(shown("\"shared\":%(visibility)s"), "const[shared]={visibility}");
    EXPECT_EQ(shown("True:%(user.enabled)s"), "const[True]={user.enabled}");
    EXPECT_EQ(shown("20:%(n)s"), "const[20]={n}");
    EXPECT_EQ(shown("020:%(n)s"), "cred[020]={n}");  // not a Python literal
    // oslo's documentation: <variable>:'xpto2035abc' compares with a string.
    EXPECT_EQ(shown("project_id:'xpto2035abc'"), "cred[project_id]=xpto2035abc");
    EXPECT_EQ(shown("project_id:'%(node.owner)s'"), "cred[project_id]={node.owner}");
}

TEST(PolicyParser, ErrorsSayWhatAndWhere) {
    EXPECT_EQ(error_of("True"), "column 1: 'True' is not a check: expected KIND:VALUE, '@' (always) or '!' (never)");
    EXPECT_EQ(error_of("role:a and False"),
              "column 12: 'False' is not a check: expected KIND:VALUE, '@' (always) or '!' (never)");
    EXPECT_EQ(error_of("role:a and"), "column 11: the rule ends where a check was expected");
    EXPECT_EQ(error_of("role:a role:b"), "column 8: expected 'and', 'or' or the end of the rule, found 'role:b'");
    EXPECT_EQ(error_of("(role:a or role:b"), "column 1: this '(' is never closed");
    EXPECT_EQ(error_of("role:a)"), "column 7: ')' closes nothing");
    EXPECT_EQ(error_of("and role:a"), "column 1: expected a check, '(' or 'not', found 'and'");
    EXPECT_EQ(error_of("()"), "column 2: expected a check, '(' or 'not', found ')'");
    EXPECT_EQ(error_of("   "), "column 1: the rule is blank: write \"\" or \"@\" to allow everyone, \"!\" to deny");
    EXPECT_EQ(error_of("role:"), "column 6: nothing after ':'");
    EXPECT_EQ(error_of(":admin"), "column 1: nothing before ':'");
    EXPECT_EQ(error_of("rule:"), "column 1: rule: names no rule");
    EXPECT_EQ(error_of("role:a or 'admin'"),
              "column 11: a quoted string is not a check (a constant goes on one side of ':', e.g. "
              "'shared':%(visibility)s)");
    EXPECT_EQ(error_of("http://policy.example/%(x)s"), "column 1: remote http checks are not supported");
}

TEST(PolicyParser, SubstitutionErrors) {
    EXPECT_EQ(error_of("project_id:%(node.owner)d"), "column 12: only %(key)s substitutions are supported");
    EXPECT_EQ(error_of("project_id:%(node.owner"), "column 12: a '%' must start %(key)s (or be written %%)");
    EXPECT_EQ(error_of("project_id:a%b"), "column 13: a '%' must start %(key)s (or be written %%)");
    EXPECT_EQ(error_of("project_id:%()s"), "column 12: %() names no target key");
    // As in oslo, a word's trailing ')' is a closing parenthesis, even after %(x.
    EXPECT_EQ(error_of("role:a or project_id:%(x)"), "column 22: a '%' must start %(key)s (or be written %%)");
}

TEST(PolicyParser, DeepNestingIsRefusedNotRecursedInto) {
    std::string deep = nested(100000);
    EXPECT_EQ(error_of(deep), "column 65537: the rule is longer than 65536 characters");
    EXPECT_EQ(error_of(deep.substr(0, kMaxRuleLength)), "column 65: nested deeper than 64 levels of '(' and 'not'");
    std::string nots;
    for (int i = 0; i < 10000; ++i) nots += "not ";
    EXPECT_EQ(error_of(nots + "role:a"), "column 257: nested deeper than 64 levels of '(' and 'not'");
    // The limit itself parses.
    std::string ok = nested(kMaxRuleNesting);
    EXPECT_EQ(shown(ok), "role[a]");
    EXPECT_NE(error_of("(" + ok + ")"), "");
}

TEST(PolicyParser, OverlongRulesAreRefused) {
    std::string rule = "role:a";
    while (rule.size() <= kMaxRuleLength) rule += " or role:a";
    EXPECT_EQ(error_of(rule), "column 65537: the rule is longer than 65536 characters");
    try {
        parse_rule(rule);
    } catch (const PolicySyntaxError& e) {
        EXPECT_EQ(e.column(), kMaxRuleLength + 1);
    }
}
