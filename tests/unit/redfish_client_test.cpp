// RedfishClient and RedfishSystem against a scripted BMC (an in-process
// http::Server whose answers each test sets): the ResetType choice from
// AllowableValues, retry rules per method, failed task monitors, and the
// error texts. The real BMC tests are tests/integration/redfish_*_test.cpp.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <deque>
#include <mutex>

#include "common/log.h"
#include "http/server.h"
#include "power/redfish_system.h"

using namespace ingot;
using nlohmann::json;

namespace {

class ScriptedBmc {
public:
    ScriptedBmc() : server_([this](http::Request& r) { return answer(r); }, http::ServerOptions{"127.0.0.1", 0, 1}) {
        server_.start();
    }

    // Answers for METHOD PATH, used in order; the last one repeats.
    void on(const std::string& method, const std::string& path, std::vector<http::Response> answers) {
        std::lock_guard lock(mutex_);
        script_[method + " " + path] = std::deque<http::Response>(answers.begin(), answers.end());
    }
    std::vector<std::string> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

private:
    http::Response answer(const http::Request& r) {
        std::lock_guard lock(mutex_);
        requests_.push_back(r.method + " " + r.path + (r.body.empty() ? "" : " " + r.body));
        auto it = script_.find(r.method + " " + r.path);
        if (it == script_.end() || it->second.empty()) return {404, R"({"error": {"message": "unscripted"}})"};
        http::Response out = it->second.front();
        if (it->second.size() > 1) it->second.pop_front();
        return out;
    }

    std::mutex mutex_;
    std::map<std::string, std::deque<http::Response>> script_;
    std::vector<std::string> requests_;
    http::Server server_;
};

http::Response ok(const json& body) {
    return {200, body.dump()};
}

json system_allowing(const std::vector<std::string>& reset_types) {
    return {{"@odata.id", "/redfish/v1/Systems/1"},
            {"PowerState", "Off"},
            {"Actions",
             {{"#ComputerSystem.Reset",
               {{"target", "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset"},
                {"ResetType@Redfish.AllowableValues", reset_types}}}}}};
}

class RedfishScripted : public ::testing::Test {
protected:
    void SetUp() override { log::set_level(log::Level::error); }

    power::RedfishClient client() {
        power::RedfishConnection c;
        c.address = bmc.url();
        c.system_id = "/redfish/v1/Systems/1";
        c.auth_type = "basic";
        power::RedfishSettings s;
        s.connection_attempts = 3;
        s.connection_retry_interval = std::chrono::milliseconds(0);
        s.request_timeout = std::chrono::seconds(5);
        return power::RedfishClient(c, s, "node-x");
    }

    ScriptedBmc bmc;
};

const std::string kSystem = "/redfish/v1/Systems/1";
const std::string kReset = "/redfish/v1/Systems/1/Actions/ComputerSystem.Reset";

}  // namespace

TEST_F(RedfishScripted, ResetTypeIsTheFirstAllowedChoice) {
    bmc.on("GET", kSystem, {ok(system_allowing({"PushPowerButton", "GracefulShutdown", "Nmi"}))});
    bmc.on("POST", kReset, {{204, ""}});
    auto c = client();
    power::RedfishSystem system(c);
    EXPECT_EQ(system.reset("power on"), "PushPowerButton");
    EXPECT_EQ(system.reset("power off"), "PushPowerButton");
    EXPECT_EQ(system.reset("soft power off"), "GracefulShutdown");
    try {
        system.reset("soft rebooting");
        ADD_FAILURE() << "soft reboot is not allowed";
    } catch (const interfaces::BmcError& e) {
        EXPECT_NE(std::string(e.what()).find("allows ResetType PushPowerButton, GracefulShutdown, Nmi, none of which "
                                             "does \"soft rebooting\""),
                  std::string::npos)
            << e.what();
    }
    auto requests = bmc.requests();
    EXPECT_NE(std::find(requests.begin(), requests.end(), "POST " + kReset + " {\"ResetType\":\"PushPowerButton\"}"),
              requests.end());
}

TEST_F(RedfishScripted, NoAllowableValuesMeansThePreferredType) {
    json sys = system_allowing({});
    sys["Actions"]["#ComputerSystem.Reset"].erase("ResetType@Redfish.AllowableValues");
    bmc.on("GET", kSystem, {ok(sys)});
    bmc.on("POST", kReset, {{204, ""}});
    auto c = client();
    EXPECT_EQ(power::RedfishSystem(c).reset("power off"), "ForceOff");
}

TEST_F(RedfishScripted, ReadsRetry5xxButActionsRetryOnly503) {
    bmc.on("GET", kSystem, {{500, "{}"}, {502, "{}"}, ok(system_allowing({"On"}))});
    auto c = client();
    power::RedfishSystem system(c);
    EXPECT_EQ(system.power_state(), "power off");  // third try

    bmc.on("POST", kReset, {{500, R"({"error": {"message": "firmware fault", "@Message.ExtendedInfo":
                                   [{"Message": "Try later."}]}})"}});
    try {
        system.reset("power on");
        ADD_FAILURE() << "a 500 on an action must not be retried into success";
    } catch (const interfaces::BmcError& e) {
        EXPECT_NE(std::string(e.what()).find("answered POST " + kReset +
                                             " for node node-x with HTTP 500: firmware fault Try later."),
                  std::string::npos)
            << e.what();
    }
    auto requests = bmc.requests();
    EXPECT_EQ(
        std::count_if(requests.begin(), requests.end(), [](const std::string& r) { return r.rfind("POST", 0) == 0; }),
        1);

    bmc.on("POST", kReset, {{503, "{}"}, {204, ""}});
    EXPECT_EQ(system.reset("power on"), "On");
}

TEST_F(RedfishScripted, AFailedTaskFailsTheAction) {
    bmc.on("GET", kSystem, {ok(system_allowing({"On"}))});
    http::Response accepted{202, ""};
    accepted.headers = {{"Location", "/redfish/v1/TaskService/Tasks/7"}};
    bmc.on("POST", kReset, {accepted});
    bmc.on("GET", "/redfish/v1/TaskService/Tasks/7",
           {{202, R"({"TaskState": "Running"})"},
            ok({{"TaskState", "Exception"},
                {"TaskStatus", "Critical"},
                {"Messages", {{{"Message", "Power supply failed."}}}}})});
    auto c = client();
    try {
        power::RedfishSystem(c).reset("power on");
        ADD_FAILURE() << "the task failed";
    } catch (const interfaces::BmcError& e) {
        EXPECT_NE(std::string(e.what()).find("task /redfish/v1/TaskService/Tasks/7 for node node-x ended Exception "
                                             "with status Critical: Power supply failed."),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(RedfishScripted, UnknownPowerStatesAndMalformedBodiesAreErrors) {
    bmc.on("GET", kSystem, {ok({{"PowerState", "Paused"}})});
    auto c = client();
    power::RedfishSystem system(c);
    EXPECT_THROW(system.power_state(), interfaces::BmcError);
    bmc.on("GET", kSystem, {{200, R"({"PowerState": "On")"}});
    try {
        system.power_state();
        ADD_FAILURE();
    } catch (const interfaces::BmcError& e) {
        EXPECT_NE(std::string(e.what()).find("answered GET " + kSystem + " for node node-x with malformed JSON"),
                  std::string::npos)
            << e.what();
    }
    bmc.on("GET", kSystem, {{404, R"({"error": {"message": "no such system"}})"}});
    EXPECT_THROW(system.power_state(), power::RedfishNotFound);
}

TEST_F(RedfishScripted, BootOverrideSendsModeOnlyWhenTheSystemHasOne) {
    json sys = system_allowing({"On"});
    sys["Boot"] = {{"BootSourceOverrideTarget", "None"}, {"BootSourceOverrideEnabled", "Disabled"}};
    bmc.on("GET", kSystem, {ok(sys)});
    bmc.on("PATCH", kSystem, {{204, ""}});
    auto c = client();
    power::RedfishSystem(c).set_boot_device("pxe", false, "uefi");
    sys["Boot"]["BootSourceOverrideMode"] = "Legacy";
    bmc.on("GET", kSystem, {ok(sys)});
    power::RedfishSystem(c).set_boot_device("cdrom", true, "uefi");
    auto requests = bmc.requests();
    std::vector<std::string> patches;
    for (const auto& r : requests)
        if (r.rfind("PATCH", 0) == 0) patches.push_back(r.substr(r.find('{')));
    ASSERT_EQ(patches.size(), 2u);
    EXPECT_EQ(json::parse(patches[0])["Boot"],
              json({{"BootSourceOverrideTarget", "Pxe"}, {"BootSourceOverrideEnabled", "Once"}}));
    EXPECT_EQ(json::parse(patches[1])["Boot"], json({{"BootSourceOverrideTarget", "Cd"},
                                                     {"BootSourceOverrideEnabled", "Continuous"},
                                                     {"BootSourceOverrideMode", "UEFI"}}));
}
