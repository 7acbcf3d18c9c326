// Ironic's secure-RBAC defaults as the Enforcer applies them without a
// policy file: who may read and write which node, through system scope,
// ownership and lease.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "common/errors.h"
#include "conductor/auth/basic_auth_caller.h"
#include "conductor/auth/enforcer.h"

using namespace ingot;
using namespace ingot::conductor::auth;

namespace {

http::Caller in_project(const std::string& project, std::vector<std::string> roles) {
    http::Caller c;
    c.authenticated = true;
    c.user_id = "user-in-" + project;
    c.project_id = project;
    c.project_name = project;
    c.roles = std::move(roles);
    return c;
}

http::Caller system_user(std::vector<std::string> roles) {
    http::Caller c;
    c.authenticated = true;
    c.user_id = "operator";
    c.system_scope = true;
    c.roles = std::move(roles);
    return c;
}

// Keystone's implied roles: admin implies member implies reader.
const std::vector<std::string> kAdmin{"admin", "member", "reader"};
const std::vector<std::string> kMember{"member", "reader"};
const std::vector<std::string> kReader{"reader"};

// A node owned by project "owner" and leased to project "lessee", with an
// allocation and a runbook of the owner.
const Target kNode{
    {"node.owner", "owner"}, {"node.lessee", "lessee"}, {"allocation.owner", "owner"}, {"runbook.owner", "owner"}};

const Enforcer& enforcer() {
    static const Enforcer e;
    return e;
}

bool may(const http::Caller& c, const std::string& rule, const Target& t = kNode) {
    return enforcer().allowed(rule, c, t);
}

// Rules Ironic lets any reader (or member) pass whatever its project: the
// list calls filter what they return by project, allocation creation
// checks the owner it is given, and the agent's calls are open.
const std::set<std::string> kOpenToAnyProject{
    "baremetal:node:list",         "baremetal:port:list",
    "baremetal:portgroup:list",    "baremetal:volume:list",
    "baremetal:allocation:list",   "baremetal:runbook:list",
    "baremetal:allocation:create", "baremetal:node:ipa_heartbeat",
    "baremetal:driver:ipa_lookup", "baremetal:driver:ipa_continue_inspection"};

}  // namespace

TEST(PolicyDefaults, EveryRuleTheApiNeedsIsDefinedOnceAndLoads) {
    std::set<std::string> names;
    for (const auto& r : policy_defaults()) EXPECT_TRUE(names.insert(r.name).second) << r.name;
    for (const char* name : {"baremetal:node:get",
                             "baremetal:node:list_all",
                             "baremetal:node:get:driver_info",
                             "baremetal:node:get:last_error",
                             "baremetal:node:update:instance_uuid",
                             "baremetal:node:update:owner",
                             "baremetal:node:update_instance_info",
                             "baremetal:node:history:get",
                             "baremetal:port:list_all",
                             "baremetal:portgroup:create",
                             "baremetal:chassis:update",
                             "baremetal:driver:get",
                             "baremetal:conductor:get",
                             "baremetal:allocation:create_restricted",
                             "baremetal:deploy_template:get",
                             "baremetal:volume:view_target_properties",
                             "baremetal:node:vif:attach",
                             "baremetal:node:traits:set",
                             "baremetal:node:bios:get",
                             "baremetal:events:post",
                             "baremetal:driver:ipa_lookup",
                             "baremetal:node:ipa_heartbeat",
                             "baremetal:extension:get",
                             "service_role",
                             "show_password"})
        EXPECT_EQ(names.count(name), 1u) << name;
    EXPECT_EQ(enforcer().rules().size(), policy_defaults().size());
    for (const auto& r : enforcer().rules()) EXPECT_FALSE(r.overridden || r.added) << r.name;
}

TEST(PolicyDefaults, ASystemReaderReadsButDoesNotWrite) {
    auto reader = system_user(kReader);
    for (const char* rule : {"baremetal:node:get", "baremetal:node:list_all", "baremetal:node:get:driver_info",
                             "baremetal:port:list_all", "baremetal:chassis:get", "baremetal:driver:get",
                             "baremetal:conductor:get", "baremetal:extension:get", "baremetal:node:history:get"})
        EXPECT_TRUE(may(reader, rule)) << rule;
    for (const char* rule :
         {"baremetal:node:create", "baremetal:node:update", "baremetal:node:update:driver_info",
          "baremetal:node:delete", "baremetal:node:set_power_state", "baremetal:node:set_provision_state",
          "baremetal:port:create", "baremetal:chassis:create", "baremetal:node:vif:attach", "show_password"})
        EXPECT_FALSE(may(reader, rule)) << rule;
}

TEST(PolicyDefaults, ASystemAdminDoesEverythingButSeePasswords) {
    auto admin = system_user(kAdmin);
    for (const char* rule :
         {"baremetal:node:create", "baremetal:node:delete", "baremetal:node:update_owner_provisioned",
          "baremetal:node:update:owner", "baremetal:chassis:create", "baremetal:events:post"})
        EXPECT_TRUE(may(admin, rule)) << rule;
    EXPECT_FALSE(may(admin, "show_password"));
    EXPECT_FALSE(may(admin, "show_instance_secrets"));
}

TEST(PolicyDefaults, TheOwnersMemberUpdatesInstanceInfoButNotTheOwner) {
    auto member = in_project("owner", kMember);
    EXPECT_TRUE(may(member, "baremetal:node:get"));
    EXPECT_TRUE(may(member, "baremetal:node:get:driver_info"));
    EXPECT_TRUE(may(member, "baremetal:node:update_instance_info"));
    EXPECT_TRUE(may(member, "baremetal:node:update:lessee"));
    EXPECT_TRUE(may(member, "baremetal:node:set_provision_state"));
    EXPECT_FALSE(may(member, "baremetal:node:update:owner"));
    EXPECT_FALSE(may(member, "baremetal:node:update:driver_interfaces"));  // owner admin
    EXPECT_FALSE(may(member, "baremetal:node:delete"));
    EXPECT_FALSE(may(member, "baremetal:node:list_all"));
    EXPECT_TRUE(may(in_project("owner", kAdmin), "baremetal:node:update:driver_interfaces"));
    EXPECT_TRUE(may(in_project("owner", kAdmin), "baremetal:node:delete:self_owned_node"));
}

TEST(PolicyDefaults, TheLesseesMemberReadsItsNodeButNotItsDriverInfo) {
    auto member = in_project("lessee", kMember);
    EXPECT_TRUE(may(member, "baremetal:node:get"));
    EXPECT_TRUE(may(member, "baremetal:node:set_power_state"));
    EXPECT_FALSE(may(member, "baremetal:node:get:driver_info"));
    EXPECT_FALSE(may(member, "baremetal:node:get:last_error"));
    EXPECT_FALSE(may(member, "baremetal:node:update_instance_info"));  // the lessee's admin may
    EXPECT_FALSE(may(member, "baremetal:node:update:lessee"));
    EXPECT_TRUE(may(in_project("lessee", kAdmin), "baremetal:node:update_instance_info"));
    EXPECT_TRUE(may(in_project("lessee", kAdmin), "baremetal:node:vif:attach"));
}

TEST(PolicyDefaults, AProjectOfAnotherNodeMatchesNothingButOpenCalls) {
    for (const auto& roles : {kReader, kMember, kAdmin}) {
        auto stranger = in_project("stranger", roles);
        for (const auto& rule : enforcer().rules()) {
            bool open = kOpenToAnyProject.count(rule.name) > 0 ||
                        // Ironic's legacy aliases and node creation name no project.
                        (roles == kAdmin && (rule.name == "admin_api" || rule.name == "is_admin" ||
                                             rule.name == "baremetal:node:create:self_owned_node" ||
                                             rule.name == "baremetal:volume:view_target_properties"));
            if (roles == kReader && rule.name == "baremetal:allocation:create") open = false;
            EXPECT_EQ(may(stranger, rule.name), open) << rule.name << " for a " << roles.front();
        }
    }
}

TEST(PolicyDefaults, ATokenWithoutScopePassesNoScopedRule) {
    http::Caller unscoped;  // roles but no system scope, no project, no domain
    unscoped.authenticated = true;
    unscoped.user_id = "u";
    unscoped.roles = kAdmin;
    http::Caller domain_admin = unscoped;
    domain_admin.domain_id = "default";
    for (const auto& d : policy_defaults()) {
        if (d.scopes == kUnchecked) continue;
        EXPECT_FALSE(may(unscoped, d.name)) << d.name;
        EXPECT_FALSE(may(domain_admin, d.name)) << d.name;
    }
    // Only the agent's open calls and the legacy aliases are left to it.
    EXPECT_TRUE(may(unscoped, "baremetal:driver:ipa_lookup"));
    EXPECT_FALSE(may(unscoped, "is_node_owner"));
}

TEST(PolicyDefaults, ANodeWithoutOwnerOrLesseeIsNoProjectsNode) {
    for (const char* project : {"owner", ""}) {
        auto member = in_project(project, kMember);
        EXPECT_FALSE(may(member, "baremetal:node:get", {})) << project;
        EXPECT_FALSE(may(member, "baremetal:node:get", {{"node.owner", ""}, {"node.lessee", ""}})) << project;
    }
}

TEST(PolicyDefaults, ServiceUsersAreElevatedOnlyWhenConfigured) {
    auto service = in_project("svc-project-id", {"service"});
    service.project_name = "service";
    EXPECT_FALSE(may(service, "baremetal:node:list_all"));
    EXPECT_FALSE(may(service, "baremetal:node:get"));
    Enforcer elevated(EnforcerOptions{"", "service"});
    EXPECT_TRUE(elevated.allowed("baremetal:node:list_all", service, kNode));
    EXPECT_TRUE(elevated.allowed("baremetal:node:update", service, kNode));
    EXPECT_FALSE(elevated.allowed("baremetal:node:delete", service, kNode));
    // Without elevation a service user acts for the projects it owns.
    EXPECT_TRUE(may(in_project("owner", {"service"}), "baremetal:node:get"));
}

TEST(PolicyDefaults, AnHtpasswdUserIsASystemAdminByName) {
    auto user = basic_auth_caller("alice");
    EXPECT_TRUE(user.authenticated);
    EXPECT_EQ(user.user_name, "alice");
    EXPECT_EQ(user.user_id, "alice");
    EXPECT_TRUE(user.project_id.empty());
    for (const char* rule : {"baremetal:node:create", "baremetal:node:delete", "baremetal:node:list_all",
                             "baremetal:node:update_owner_provisioned", "baremetal:chassis:create"})
        EXPECT_TRUE(may(user, rule)) << rule;
}

TEST(PolicyDefaults, TheAgentsCallsAreOpen) {
    http::Caller anonymous;
    EXPECT_TRUE(may(anonymous, "baremetal:driver:ipa_lookup", {}));
    EXPECT_TRUE(may(anonymous, "baremetal:node:ipa_heartbeat", {}));
    EXPECT_FALSE(may(anonymous, "baremetal:node:get"));
}

TEST(PolicyDefaults, AuthorizeThrowsIronicsForbiddenAndUnknownRulesAreBugs) {
    auto reader = in_project("lessee", kReader);
    EXPECT_NO_THROW(enforcer().authorize("baremetal:node:get", reader, kNode));
    try {
        enforcer().authorize("baremetal:node:delete", reader, kNode);
        FAIL() << "no Forbidden";
    } catch (const Forbidden& e) {
        EXPECT_EQ(e.http_status(), 403);
        EXPECT_STREQ(e.what(), "Access was denied to the following resource: baremetal:node:delete");
    }
    EXPECT_THROW(enforcer().allowed("baremetal:node:no_such_rule", reader, kNode), std::logic_error);
    EXPECT_THROW(enforcer().authorize("baremetal:node:no_such_rule", reader, kNode), std::logic_error);
}
