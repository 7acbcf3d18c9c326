// Evaluating parsed rules against a caller and a target: oslo.policy's
// matching rules, and the substitutions that must never match when a value
// is missing or empty.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conductor/auth/policy_eval.h"
#include "conductor/auth/policy_parser.h"

using namespace ingot;
using namespace ingot::conductor::auth;

namespace {

http::Caller project_caller(const std::string& project, std::vector<std::string> roles) {
    http::Caller c;
    c.authenticated = true;
    c.user_id = "u-1";
    c.user_name = "alice";
    c.project_id = project;
    c.project_name = project + "-name";
    c.roles = std::move(roles);
    return c;
}

http::Caller system_caller(std::vector<std::string> roles) {
    http::Caller c;
    c.authenticated = true;
    c.user_id = "u-2";
    c.system_scope = true;
    c.roles = std::move(roles);
    return c;
}

bool passes(const std::string& rule, const http::Caller& caller, const Target& target = {},
            const Target& config_values = {}) {
    const std::vector<Expr> no_rules;
    return evaluate(parse_rule(rule), EvalContext{caller, target, config_values, no_rules});
}

}  // namespace

TEST(PolicyEval, AlwaysNeverAndBooleanOperators) {
    auto c = project_caller("p1", {"reader"});
    EXPECT_TRUE(passes("", c));
    EXPECT_TRUE(passes("@", c));
    EXPECT_FALSE(passes("!", c));
    EXPECT_TRUE(passes("role:reader and not role:admin", c));
    EXPECT_FALSE(passes("role:reader and role:admin", c));
    EXPECT_TRUE(passes("role:admin or role:reader", c));
    EXPECT_TRUE(passes("role:admin or role:x and ! or role:reader", c));
    EXPECT_FALSE(passes("(role:admin or role:reader) and !", c));
    EXPECT_FALSE(passes("not (role:admin or role:reader)", c));
}

TEST(PolicyEval, RolesCompareWithoutCaseAsOsloDoes) {
    auto c = project_caller("p1", {"Member", "reader"});
    EXPECT_TRUE(passes("role:member", c));
    EXPECT_TRUE(passes("role:READER", c));
    EXPECT_FALSE(passes("role:memb", c));
    EXPECT_FALSE(passes("role:membe", c));
    // The generic form compares each role exactly.
    EXPECT_TRUE(passes("roles:Member", c));
    EXPECT_FALSE(passes("roles:member", c));
    // A role taken from the target.
    EXPECT_TRUE(passes("role:%(needed)s", c, {{"needed", "READER"}}));
    EXPECT_FALSE(passes("role:%(needed)s", c));
}

TEST(PolicyEval, SystemScopeIsAllOnlyForASystemToken) {
    EXPECT_TRUE(passes("system_scope:all", system_caller({"reader"})));
    EXPECT_TRUE(passes("system:all", system_caller({"reader"})));
    EXPECT_FALSE(passes("system_scope:all", project_caller("p1", {"admin"})));
}

TEST(PolicyEval, TargetSubstitutionMatchesTheOwnerOnly) {
    auto member = project_caller("p1", {"member"});
    EXPECT_TRUE(passes("project_id:%(node.owner)s", member, {{"node.owner", "p1"}}));
    EXPECT_FALSE(passes("project_id:%(node.owner)s", member, {{"node.owner", "p2"}}));
    EXPECT_FALSE(passes("project_id:%(node.owner)s", member, {{"node.owner", "p1x"}}));
    EXPECT_FALSE(passes("project_id:%(node.owner)s", member, {{"node.owner", "p"}}));
    EXPECT_TRUE(passes("user_id:u-%(a)s", member, {{"a", "1"}}));
    EXPECT_TRUE(passes("user_name:%(first)s%(rest)s", member, {{"first", "al"}, {"rest", "ice"}}));
    EXPECT_FALSE(passes("user_name:%(first)s%(rest)s", member, {{"first", "al"}, {"rest", "ic"}}));
}

TEST(PolicyEval, AMissingOrEmptyValueNeverMatches) {
    // A node without an owner is nobody's, even for a caller without a project.
    http::Caller no_project = project_caller("", {"member"});
    EXPECT_FALSE(passes("project_id:%(node.owner)s", no_project));
    EXPECT_FALSE(passes("project_id:%(node.owner)s", no_project, {{"node.owner", ""}}));
    EXPECT_FALSE(passes("project_id:%(node.owner)s", project_caller("p1", {"member"}), {{"node.owner", ""}}));
    EXPECT_FALSE(passes("user_id:prefix%(gone)s", project_caller("p1", {}), {}));
    // An empty credential never matches a constant either.
    EXPECT_FALSE(passes("project_id:''", no_project));
    EXPECT_FALSE(passes("domain_id:%(d)s", no_project, {{"d", "x"}}));
    // oslo: a failing check negated passes.
    EXPECT_TRUE(passes("not project_id:%(node.owner)s", no_project));
}

TEST(PolicyEval, SubstitutionsFallBackToTheCallersCredentialsThenConfiguration) {
    // Ironic passes the caller's credentials as part of every target.
    auto c = project_caller("p1", {"service"});
    EXPECT_TRUE(passes("project_id:%(project_id)s", c));
    EXPECT_FALSE(passes("project_id:%(project_id)s", c, {{"project_id", "p2"}}));  // the target wins
    EXPECT_FALSE(passes("project_id:%(roles)s", c));                               // a list is no single value
    Target config{{"config.service_project_name", "p1-name"}};
    EXPECT_TRUE(passes("role:service and project_name:%(config.service_project_name)s", c, {}, config));
    EXPECT_FALSE(passes("role:service and project_name:%(config.service_project_name)s", c));
}

TEST(PolicyEval, ConstantsOnTheLeftCompareWithTheTarget) {
    auto c = project_caller("p1", {"reader"});
    EXPECT_TRUE(passes("'shared':%(visibility)s", c, {{"visibility", "shared"}}));
    EXPECT_FALSE(passes("'shared':%(visibility)s", c, {{"visibility", "private"}}));
    EXPECT_FALSE(passes("'shared':%(visibility)s", c));
    EXPECT_TRUE(passes("True:%(user.enabled)s", c, {{"user.enabled", "True"}}));
    EXPECT_FALSE(passes("True:%(user.enabled)s", c, {{"user.enabled", "False"}}));
}

TEST(PolicyEval, CredentialsIngotDoesNotCarryNeverMatch) {
    auto c = system_caller({"admin"});
    EXPECT_FALSE(passes("is_admin_project:True", c));
    EXPECT_FALSE(passes("is_public_api:True", c));
    EXPECT_FALSE(passes("token.roles.name:admin", c));
    EXPECT_TRUE(passes("is_admin_project:True or role:admin", c));
}
