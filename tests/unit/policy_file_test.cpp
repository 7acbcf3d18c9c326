// Policy files as an operator writes them (real files in a temporary
// directory): overrides and additions, and every way a file can be wrong,
// each refused at load with the file, the rule and the problem named.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "common/config.h"
#include "common/errors.h"
#include "conductor/auth/enforcer.h"
#include "conductor/auth/policy_file.h"
#include "conductor/options.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using namespace ingot::conductor::auth;

namespace {

class PolicyFile : public ::testing::Test {
protected:
    std::string write(const std::string& text, const std::string& name = "policy.yaml") {
        std::string path = dir_.path() + "/" + name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    Enforcer load(const std::string& text) { return Enforcer(EnforcerOptions{write(text), ""}); }
    // The ConfigError a file gives, or "" when it loads.
    std::string error_of(const std::string& text) {
        try {
            load(text);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }
    std::string path() const { return dir_.path() + "/policy.yaml"; }

    test::TempDir dir_;
};

http::Caller system_user(const std::string& name, std::vector<std::string> roles) {
    http::Caller c;
    c.authenticated = true;
    c.user_id = c.user_name = name;
    c.system_scope = true;
    c.roles = std::move(roles);
    return c;
}

http::Caller project_user(const std::string& project, std::vector<std::string> roles) {
    http::Caller c;
    c.authenticated = true;
    c.user_id = "u";
    c.project_id = project;
    c.roles = std::move(roles);
    return c;
}

const EffectiveRule* find_rule(const std::vector<EffectiveRule>& rules, const std::string& name) {
    for (const auto& r : rules)
        if (r.name == name) return &r;
    return nullptr;
}

}  // namespace

TEST_F(PolicyFile, OverridesAndAdditionsTakeEffectAndAreListed) {
    Enforcer e = load(
        "# an operator's policy\n"
        "\"baremetal:node:get\": \"role:auditor and system_scope:all\"\n"
        "'baremetal:node:delete': 'rule:deny_interns and role:admin and system_scope:all'\n"
        "deny_interns: not user_name:intern\n");
    Target node{{"node.owner", "p1"}};
    EXPECT_TRUE(e.allowed("baremetal:node:get", system_user("bob", {"auditor"}), node));
    EXPECT_FALSE(e.allowed("baremetal:node:get", system_user("bob", {"reader"}), node));
    EXPECT_FALSE(e.allowed("baremetal:node:get", project_user("p1", {"reader"}), node));
    EXPECT_TRUE(e.allowed("baremetal:node:delete", system_user("bob", {"admin"}), node));
    EXPECT_FALSE(e.allowed("baremetal:node:delete", system_user("intern", {"admin"}), node));
    EXPECT_TRUE(e.allowed("deny_interns", system_user("bob", {}), node));

    auto rules = e.rules();
    ASSERT_NE(find_rule(rules, "baremetal:node:get"), nullptr);
    EXPECT_TRUE(find_rule(rules, "baremetal:node:get")->overridden);
    EXPECT_EQ(find_rule(rules, "baremetal:node:get")->check, "role:auditor and system_scope:all");
    EXPECT_EQ(find_rule(rules, "baremetal:node:get")->description, "Retrieve a single Node record");
    EXPECT_FALSE(find_rule(rules, "baremetal:node:list")->overridden);
    ASSERT_NE(find_rule(rules, "deny_interns"), nullptr);
    EXPECT_TRUE(find_rule(rules, "deny_interns")->added);
    EXPECT_EQ(rules.back().name, "deny_interns");
    EXPECT_EQ(e.policy_file(), path());
}

TEST_F(PolicyFile, AnOverriddenAliasChangesEveryRuleThatRefersToIt) {
    // Ironic's defaults reach service users through rule:service_role.
    Enforcer e = load("service_role: role:service and project_id:svc\n");
    auto service = project_user("svc", {"service"});
    EXPECT_TRUE(e.allowed("baremetal:node:list_all", service, {}));
    EXPECT_TRUE(e.allowed("baremetal:port:list_all", service, {}));
    EXPECT_FALSE(Enforcer().allowed("baremetal:node:list_all", service, {}));
}

TEST_F(PolicyFile, AnOverrideKeepsTheDefaultsScopeTypes) {
    // baremetal:chassis:get is system-scoped in Ironic; "@" does not open it
    // to project tokens (enforce_scope), a rule the file adds has no scope.
    Enforcer e = load("baremetal:chassis:get: '@'\nmine: '@'\n");
    EXPECT_TRUE(e.allowed("baremetal:chassis:get", system_user("bob", {}), {}));
    EXPECT_FALSE(e.allowed("baremetal:chassis:get", project_user("p1", {"admin"}), {}));
    EXPECT_TRUE(e.allowed("mine", project_user("p1", {}), {}));
}

TEST_F(PolicyFile, JsonAndEmptyFilesLoad) {
    Enforcer json = load("{\"baremetal:node:get\": \"!\", \"baremetal:node:list\": \"\"}");
    EXPECT_FALSE(json.allowed("baremetal:node:get", system_user("bob", {"admin", "reader"}), {}));
    EXPECT_TRUE(json.allowed("baremetal:node:list", project_user("p", {}), {}));
    EXPECT_EQ(load("").rules().size(), Enforcer().rules().size());
    EXPECT_EQ(load("# nothing but a comment\n").rules().size(), Enforcer().rules().size());
}

TEST_F(PolicyFile, ABadRuleNamesTheFileLineRuleAndColumn) {
    EXPECT_EQ(error_of("a: '@'\n\"baremetal:node:get\": \"role:admin and (system_scope:all\"\n"),
              "policy file " + path() + ":2: rule 'baremetal:node:get': column 16: this '(' is never closed");
    EXPECT_EQ(error_of("x: 'role:admin or True'\n"),
              "policy file " + path() +
                  ":1: rule 'x': column 15: 'True' is not a check: expected KIND:VALUE, '@' (always) or '!' (never)");
    std::string deep = "x: '" + std::string(1000, '(');
    deep += "role:a)'\n";
    EXPECT_NE(error_of(deep).find("nested deeper than 64 levels"), std::string::npos);
}

TEST_F(PolicyFile, AReferenceToAnUndefinedRuleIsRefused) {
    EXPECT_EQ(error_of("\n\nbaremetal:node:get: rule:is_auditor or rule:admin_api\n"),
              "policy file " + path() + ":3: rule 'baremetal:node:get' refers to undefined rule 'is_auditor'");
}

TEST_F(PolicyFile, LoopsAreFoundAtLoad) {
    EXPECT_EQ(error_of("a: rule:a\n"), "policy file " + path() + ":1: rule 'a' refers back to itself: a -> a");
    std::string two = error_of("a: role:x or rule:b\nb: not rule:c\nc: rule:a and role:y\n");
    EXPECT_NE(two.find("refers back to itself: a -> b -> c -> a"), std::string::npos) << two;
    // Through Ironic's defaults: baremetal:node:list_all refers to service_role.
    std::string via_default = error_of("service_role: rule:baremetal:node:list_all\n");
    EXPECT_NE(via_default.find("policy file " + path() + ":"), std::string::npos) << via_default;
    EXPECT_NE(via_default.find("refers back to itself"), std::string::npos) << via_default;
    EXPECT_NE(via_default.find("service_role -> baremetal:node:list_all"), std::string::npos) << via_default;
}

TEST_F(PolicyFile, LongChainsAndFanOutsAreRefusedWithoutRecursing) {
    // 40,000 rules, each referring to the next: far deeper than the stack
    // would allow a recursive walk, refused for the evaluation depth.
    std::string chain;
    for (int i = 0; i < 40000; ++i) chain += "r" + std::to_string(i) + ": rule:r" + std::to_string(i + 1) + "\n";
    chain += "r40000: '@'\n";
    std::string error = error_of(chain);
    EXPECT_NE(error.find("nests more than 256 levels deep through the rules it refers to"), std::string::npos) << error;
    // Twenty rules that each refer twice to the next: 2^20 checks.
    std::string fan;
    for (int i = 0; i < 20; ++i)
        fan +=
            "f" + std::to_string(i) + ": rule:f" + std::to_string(i + 1) + " or rule:f" + std::to_string(i + 1) + "\n";
    fan += "f20: role:x\n";
    error = error_of(fan);
    EXPECT_NE(error.find("would evaluate more than 100000 checks"), std::string::npos) << error;
    // A chain within the limits loads and evaluates.
    std::string short_chain;
    for (int i = 0; i < 100; ++i) short_chain += "s" + std::to_string(i) + ": rule:s" + std::to_string(i + 1) + "\n";
    Enforcer e = load(short_chain + "s100: role:x\n");
    EXPECT_TRUE(e.allowed("s0", project_user("p", {"x"}), {}));
    EXPECT_FALSE(e.allowed("s0", project_user("p", {"y"}), {}));
}

TEST_F(PolicyFile, ValuesThatAreNotStringsAreRefused) {
    const std::string at = "policy file " + path() + ":1: rule 'baremetal:node:get' ";
    EXPECT_EQ(error_of("baremetal:node:get:\n"), at + "has no value (write \"\" to allow everyone, \"!\" to deny)");
    EXPECT_EQ(error_of("baremetal:node:get: null\n"),
              at + "has no value (write \"\" to allow everyone, \"!\" to deny)");
    EXPECT_EQ(error_of("baremetal:node:get: true\n"), at + "is not a string (put it in quotes)");
    EXPECT_EQ(error_of("baremetal:node:get: yes\n"), at + "is not a string (put it in quotes)");
    EXPECT_EQ(error_of("baremetal:node:get: 42\n"), at + "is not a string (put it in quotes)");
    EXPECT_EQ(error_of("baremetal:node:get: -1.5e3\n"), at + "is not a string (put it in quotes)");
    EXPECT_EQ(error_of("baremetal:node:get: [role:admin]\n"), at + "is not a string");
    EXPECT_EQ(error_of("baremetal:node:get: {a: b}\n"), at + "is not a string");
    // Quoted, the same texts are strings (and then rule errors or checks).
    EXPECT_NE(error_of("baremetal:node:get: 'true'\n").find("'true' is not a check"), std::string::npos);
    EXPECT_EQ(error_of("baremetal:node:get: role:yes\n"), "");
}

TEST_F(PolicyFile, ShapeAndSyntaxErrorsNameTheFile) {
    EXPECT_EQ(error_of("- role:admin\n"),
              "policy file " + path() + " must be a mapping of rule names to check strings");
    EXPECT_EQ(error_of("just text\n"), "policy file " + path() + " must be a mapping of rule names to check strings");
    EXPECT_EQ(error_of("a: '@'\na: '!'\n"), "policy file " + path() + ":2: rule 'a' is defined twice");
    EXPECT_EQ(error_of("'': '@'\n"), "policy file " + path() + ":1: a rule name must be a non-empty string");
    EXPECT_EQ(error_of("a: '@'\nb: [unclosed\n"),
              "policy file " + path() + ":3:1: not valid YAML: end of sequence flow not found");
    EXPECT_EQ(error_of("a: b: c\n"), "policy file " + path() + ":1:5: not valid YAML: illegal map value");
    // Deeply nested YAML is a YAML error, not a crash.
    std::string brackets = "a: ";
    brackets.append(100000, '[');
    std::string deep = error_of(brackets);
    EXPECT_EQ(deep, "policy file " + path() + ":1: not valid YAML: nested too deeply");
}

TEST_F(PolicyFile, AMissingOrHugeFileIsRefused) {
    try {
        Enforcer(EnforcerOptions{dir_.path() + "/absent.yaml", ""});
        FAIL() << "no ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot read policy file " + dir_.path() + "/absent.yaml: No such file or directory");
    }
    std::string huge = "# " + std::string(kMaxPolicyFileSize, 'x') + "\n";
    EXPECT_EQ(error_of(huge), "policy file " + path() + " is larger than 1048576 bytes");
}

TEST_F(PolicyFile, TheReaderKeepsFileOrderAndLines) {
    auto entries = read_policy_file(write("b: '!'\n\n# c\na: \"role:x\"\n"));
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].name, "b");
    EXPECT_EQ(entries[0].check, "!");
    EXPECT_EQ(entries[0].line, 1);
    EXPECT_EQ(entries[1].name, "a");
    EXPECT_EQ(entries[1].check, "role:x");
    EXPECT_EQ(entries[1].line, 4);
}

TEST_F(PolicyFile, TheOptionsComeFromTheConductorsConfiguration) {
    config::Config cfg(conductor::conductor_options());
    EnforcerOptions defaults = enforcer_options(cfg);
    EXPECT_EQ(defaults.policy_file, "");
    EXPECT_EQ(defaults.service_project_name, "");  // elevation is off by default
    cfg.set("oslo_policy", "policy_file", write("mine: role:x\n"));
    cfg.set("DEFAULT", "rbac_service_role_elevated_access", "true");
    EnforcerOptions set = enforcer_options(cfg);
    EXPECT_EQ(set.policy_file, path());
    EXPECT_EQ(set.service_project_name, "service");
    Enforcer e(set);
    EXPECT_TRUE(e.allowed("mine", project_user("p", {"x"}), {}));
}
