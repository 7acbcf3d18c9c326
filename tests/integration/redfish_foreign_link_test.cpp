// Replays, against a real conductor, a BMC (or whoever answers for
// redfish_address) that hands back absolute links to another host: the
// SessionService's Sessions (where the conductor would POST the BMC's user
// name and password), a system member, a Reset target and a task monitor
// (where it would send basic credentials or the session token). Each is
// refused with an error naming both hosts, and the other host hears
// nothing. The BMC is an in-process http::Server whose answers each test
// scripts; the other host records what reaches it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>

#include "http/server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;

namespace {

class ScriptedHost {
public:
    ScriptedHost() : server_([this](http::Request& r) { return answer(r); }, http::ServerOptions{"127.0.0.1", 0, 1}) {
        server_.start();
    }
    void on(const std::string& method, const std::string& path, http::Response answer) {
        std::lock_guard lock(mutex_);
        script_[method + " " + path] = std::move(answer);
    }
    std::vector<std::string> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

private:
    http::Response answer(const http::Request& r) {
        std::lock_guard lock(mutex_);
        requests_.push_back(r.method + " " + r.path + " " + r.body);
        auto it = script_.find(r.method + " " + r.path);
        if (it == script_.end()) return {404, R"({"error": {"message": "unscripted"}})"};
        return it->second;
    }

    std::mutex mutex_;
    std::map<std::string, http::Response> script_;
    std::vector<std::string> requests_;
    http::Server server_;
};

constexpr const char* kSystem = "/redfish/v1/Systems/1";

class RedfishForeignLinks : public ::testing::Test {
protected:
    RedfishForeignLinks()
        : conductor_(
              "[DEFAULT]\n"
              "enabled_hardware_types = fake-hardware,redfish\n"
              "[conductor]\n"
              "sync_power_state_interval = 0\n"
              "power_action_timeout = 5\n"
              "[redfish]\n"
              "connection_attempts = 1\n"
              "connection_retry_interval = 0\n"
              "request_timeout = 5\n") {}

    // The BMC's service root, its only system (Off) and that system's Reset.
    void script_bmc(ScriptedHost& bmc, const std::string& sessions, const std::string& member,
                    const std::string& reset_target, http::Response reset_answer) {
        bmc.on("GET", "/redfish/v1",
               {200, json({{"Systems", {{"@odata.id", "/redfish/v1/Systems"}}},
                           {"Links", {{"Sessions", {{"@odata.id", sessions}}}}}})
                         .dump()});
        bmc.on("GET", "/redfish/v1/Systems", {200, json({{"Members", {{{"@odata.id", member}}}}}).dump()});
        bmc.on("GET", kSystem,
               {200, json({{"@odata.id", kSystem},
                           {"PowerState", "Off"},
                           {"Actions", {{"#ComputerSystem.Reset", {{"target", reset_target}}}}}})
                         .dump()});
        bmc.on("POST", kSystem + std::string("/Actions/ComputerSystem.Reset"), std::move(reset_answer));
        bmc.on(
            "POST", "/redfish/v1/SessionService/Sessions",
            {201, "{}", {{"X-Auth-Token", "a-session-token"}, {"Location", "/redfish/v1/SessionService/Sessions/1"}}});
    }

    // A redfish node on `bmc`; powers it on and returns the node.
    json power_on_through(const ScriptedHost& bmc, const std::string& auth_type, bool with_system_id) {
        json info = {{"redfish_address", bmc.url()},
                     {"redfish_username", "admin"},
                     {"redfish_password", "the-bmc-password"},
                     {"redfish_auth_type", auth_type}};
        if (with_system_id) info["redfish_system_id"] = kSystem;
        auto r = c_.request("POST", "/v1/nodes", json({{"driver", "redfish"}, {"driver_info", info}}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return test::power_action(c_, json::parse(r.body).value("uuid", ""), "power on");
    }

    void expect_refused(const json& node, const ScriptedHost& bmc, const std::string& link) {
        const std::string error = node["last_error"].is_string() ? node["last_error"].get<std::string>() : "";
        EXPECT_NE(error.find("The Redfish BMC " + bmc.url() + " pointed at " + link + ", a host other than its own (" +
                             evil_.url() + " is not " + bmc.url() + ")"),
                  std::string::npos)
            << node.dump();
        EXPECT_TRUE(evil_.requests().empty()) << "the other host was sent: " << evil_.requests().front();
        EXPECT_EQ(error.find("the-bmc-password"), std::string::npos);
    }

    ScriptedHost evil_;
    test::ConductorProcess conductor_;
    HttpClient c_ = test::api_client(conductor_.url());
};

TEST_F(RedfishForeignLinks, ASessionServiceElsewhereNeverGetsTheCredentials) {
    ScriptedHost bmc;
    const std::string sessions = evil_.url() + "/redfish/v1/SessionService/Sessions";
    script_bmc(bmc, sessions, kSystem, kSystem + std::string("/Actions/ComputerSystem.Reset"), {204, ""});
    expect_refused(power_on_through(bmc, "session", true), bmc, sessions);
}

TEST_F(RedfishForeignLinks, ASystemMemberElsewhereIsNotFollowedWithBasicCredentials) {
    ScriptedHost bmc;
    const std::string member = evil_.url() + kSystem;
    script_bmc(bmc, "/redfish/v1/SessionService/Sessions", member,
               kSystem + std::string("/Actions/ComputerSystem.Reset"), {204, ""});
    expect_refused(power_on_through(bmc, "basic", false), bmc, member);
}

TEST_F(RedfishForeignLinks, AResetTargetElsewhereIsNotPostedTo) {
    ScriptedHost bmc;
    const std::string target = evil_.url() + kSystem + "/Actions/ComputerSystem.Reset";
    script_bmc(bmc, "/redfish/v1/SessionService/Sessions", kSystem, target, {204, ""});
    expect_refused(power_on_through(bmc, "auto", true), bmc, target);
}

TEST_F(RedfishForeignLinks, ATaskMonitorElsewhereIsNotPolledWithTheToken) {
    ScriptedHost bmc;
    const std::string monitor = evil_.url() + "/redfish/v1/TaskService/TaskMonitors/1";
    script_bmc(bmc, "/redfish/v1/SessionService/Sessions", kSystem,
               kSystem + std::string("/Actions/ComputerSystem.Reset"), {202, "", {{"Location", monitor}}});
    json n = power_on_through(bmc, "session", true);
    const std::string error = n["last_error"].is_string() ? n["last_error"].get<std::string>() : "";
    EXPECT_NE(error.find("pointed at " + monitor + ", a host other than its own"), std::string::npos) << n.dump();
    EXPECT_TRUE(evil_.requests().empty()) << "the other host was sent: " << evil_.requests().front();
    // The action itself went to the BMC: only its monitor was elsewhere.
    bool posted = false;
    for (const auto& r : bmc.requests()) posted = posted || r.rfind("POST " + std::string(kSystem), 0) == 0;
    EXPECT_TRUE(posted);
}

}  // namespace
