// ingot-vbmc's Redfish service over in-memory machines, called directly
// (no sockets): the shapes sushy and Ingot's driver read, authentication,
// validation, and fault injection.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "vbmc/config.h"
#include "vbmc/redfish_service.h"

using namespace ingot;
using namespace ingot::vbmc;
using json = nlohmann::json;

namespace {

const char* kBasic = "Basic YWRtaW46cGFzc3dvcmQ=";  // admin:password

// A deferred answer, captured when it comes.
struct Pending {
    std::mutex mutex;
    std::optional<http::Response> response;
    std::optional<http::Response> get() {
        std::lock_guard lock(mutex);
        return response;
    }
};

class VbmcService : public ::testing::Test {
protected:
    void start(ServiceOptions options = {}, int systems = 2) {
        options.credentials.add("admin", "password");
        service_ = std::make_unique<RedfishService>(make_machines(memory_systems(systems), ""), std::move(options));
    }
    void SetUp() override { start(); }

    // Sends a request; a deferred answer is awaited (up to 5 s).
    http::Response call(const std::string& method, const std::string& path, const std::string& body = "",
                        std::map<std::string, std::string> headers = {{"authorization", kBasic}}) {
        auto pending = send(method, path, body, std::move(headers));
        for (int i = 0; i < 500; ++i) {
            if (auto r = pending->get()) return *r;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ADD_FAILURE() << method << " " << path << " got no answer";
        return {};
    }
    std::shared_ptr<Pending> send(const std::string& method, const std::string& path, const std::string& body = "",
                                  std::map<std::string, std::string> headers = {{"authorization", kBasic}}) {
        http::Request r;
        r.method = method;
        r.path = path;
        r.body = body;
        r.headers = std::move(headers);
        auto pending = std::make_shared<Pending>();
        http::Response resp = service_->handle(r);
        if (resp.deferred) {
            resp.deferred([pending](http::Response final) {
                std::lock_guard lock(pending->mutex);
                pending->response = std::move(final);
            });
        } else {
            pending->response = std::move(resp);
        }
        return pending;
    }
    json get_json(const std::string& path) {
        auto r = call("GET", path);
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return json::parse(r.body);
    }
    json raw(const std::string& system) { return get_json("/ingot-vbmc/systems/" + system); }

    static std::string header(const http::Response& r, const std::string& name) {
        for (const auto& [k, v] : r.headers)
            if (k == name) return v;
        return "";
    }
    static std::string message_id(const http::Response& r) {
        return json::parse(r.body)["error"]["@Message.ExtendedInfo"][0]["MessageId"];
    }
    static json related(const http::Response& r) {
        return json::parse(r.body)["error"]["@Message.ExtendedInfo"][0]["RelatedProperties"];
    }

    std::unique_ptr<RedfishService> service_;
};

TEST_F(VbmcService, ServiceRootIsPublicAndLinksEverything) {
    auto r = call("GET", "/redfish/v1/", "", {});
    ASSERT_EQ(r.status, 200);
    auto root = json::parse(r.body);
    EXPECT_EQ(root["@odata.id"], "/redfish/v1");
    EXPECT_EQ(root["@odata.type"], "#ServiceRoot.v1_5_0.ServiceRoot");
    EXPECT_EQ(root["Systems"]["@odata.id"], "/redfish/v1/Systems");
    EXPECT_EQ(root["Managers"]["@odata.id"], "/redfish/v1/Managers");
    EXPECT_EQ(root["SessionService"]["@odata.id"], "/redfish/v1/SessionService");
    EXPECT_EQ(root["Links"]["Sessions"]["@odata.id"], "/redfish/v1/SessionService/Sessions");
    EXPECT_TRUE(root["UUID"].is_string());
    EXPECT_TRUE(root["RedfishVersion"].is_string());
    EXPECT_EQ(call("GET", "/redfish", "", {}).status, 200);
}

TEST_F(VbmcService, EverythingElseNeedsCredentials) {
    auto r = call("GET", "/redfish/v1/Systems", "", {});
    EXPECT_EQ(r.status, 401);
    auto error = json::parse(r.body)["error"];
    EXPECT_EQ(error["code"], "Base.1.0.GeneralError");
    EXPECT_TRUE(error["message"].is_string());
    EXPECT_EQ(error["@Message.ExtendedInfo"][0]["MessageId"], "Base.1.0.NoValidSession");
    EXPECT_EQ(header(r, "WWW-Authenticate"), "Basic realm=\"ingot-vbmc\"");

    EXPECT_EQ(call("GET", "/redfish/v1/Systems", "", {{"authorization", "Basic YWRtaW46d3Jvbmc="}}).status, 401);
    EXPECT_EQ(call("GET", "/redfish/v1/Systems", "", {{"authorization", "Bearer xyz"}}).status, 401);
    EXPECT_EQ(call("GET", "/redfish/v1/Systems", "", {{"x-auth-token", "forged"}}).status, 401);
    EXPECT_EQ(call("GET", "/ingot-vbmc/systems/node-0", "", {}).status, 401);
    EXPECT_EQ(call("GET", "/redfish/v1/Systems").status, 200);
}

TEST_F(VbmcService, NoUsersMeansNoAuthentication) {
    service_ = std::make_unique<RedfishService>(make_machines(memory_systems(1), ""), ServiceOptions{});
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-0", "", {}).status, 200);
}

TEST_F(VbmcService, SessionLifecycle) {
    auto bad = call("POST", "/redfish/v1/SessionService/Sessions", R"({"UserName":"admin","Password":"nope"})", {});
    EXPECT_EQ(bad.status, 401);
    EXPECT_EQ(call("POST", "/redfish/v1/SessionService/Sessions", R"({"UserName":"admin"})", {}).status, 400);

    auto created =
        call("POST", "/redfish/v1/SessionService/Sessions", R"({"UserName":"admin","Password":"password"})", {});
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string token = header(created, "X-Auth-Token");
    const std::string location = header(created, "Location");
    ASSERT_FALSE(token.empty());
    ASSERT_EQ(location.rfind("/redfish/v1/SessionService/Sessions/", 0), 0u) << location;
    EXPECT_EQ(json::parse(created.body)["@odata.id"], location);

    const std::map<std::string, std::string> with_token = {{"x-auth-token", token}};
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-0", "", with_token).status, 200);
    auto session = call("GET", location, "", with_token);
    ASSERT_EQ(session.status, 200);
    EXPECT_EQ(json::parse(session.body)["UserName"], "admin");
    auto sessions = get_json("/redfish/v1/SessionService/Sessions");
    EXPECT_EQ(sessions["Members"][0]["@odata.id"], location);
    EXPECT_EQ(get_json("/redfish/v1/SessionService")["Sessions"]["@odata.id"], "/redfish/v1/SessionService/Sessions");

    EXPECT_EQ(call("DELETE", location, "", with_token).status, 204);
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-0", "", with_token).status, 401);
    EXPECT_EQ(call("DELETE", location).status, 404);
}

TEST_F(VbmcService, ComputerSystemHasWhatClientsRead) {
    auto collection = get_json("/redfish/v1/Systems");
    EXPECT_EQ(collection["@odata.type"], "#ComputerSystemCollection.ComputerSystemCollection");
    ASSERT_EQ(collection["Members"].size(), 2u);
    EXPECT_EQ(collection["Members"][1]["@odata.id"], "/redfish/v1/Systems/node-1");

    auto s = get_json("/redfish/v1/Systems/node-0");
    EXPECT_EQ(s["@odata.id"], "/redfish/v1/Systems/node-0");
    EXPECT_EQ(s["@odata.type"], "#ComputerSystem.v1_10_0.ComputerSystem");
    EXPECT_EQ(s["Id"], "node-0");
    EXPECT_EQ(s["PowerState"], "Off");
    EXPECT_TRUE(s["UUID"].is_string());
    EXPECT_EQ(s["Boot"]["BootSourceOverrideTarget"], "None");
    EXPECT_EQ(s["Boot"]["BootSourceOverrideEnabled"], "Disabled");
    EXPECT_EQ(s["Boot"]["BootSourceOverrideMode"], "Legacy");
    EXPECT_EQ(s["Boot"]["BootSourceOverrideTarget@Redfish.AllowableValues"],
              json({"None", "Pxe", "Floppy", "Cd", "Hdd", "BiosSetup"}));
    const auto& reset = s["Actions"]["#ComputerSystem.Reset"];
    EXPECT_EQ(reset["target"], "/redfish/v1/Systems/node-0/Actions/ComputerSystem.Reset");
    EXPECT_EQ(reset["ResetType@Redfish.AllowableValues"].size(), 9u);
    EXPECT_EQ(s["Links"]["ManagedBy"][0]["@odata.id"], "/redfish/v1/Managers/node-0");

    auto nics = get_json("/redfish/v1/Systems/node-0/EthernetInterfaces");
    ASSERT_EQ(nics["Members"].size(), 1u);
    auto nic = get_json(nics["Members"][0]["@odata.id"]);
    EXPECT_EQ(nic["MACAddress"], mac_for("node-0", 0));
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-0/EthernetInterfaces/nic7").status, 404);
}

TEST_F(VbmcService, PatchBootValidatesAndNamesTheProperty) {
    const std::string path = "/redfish/v1/Systems/node-0";
    auto bad = call("PATCH", path, R"({"Boot":{"BootSourceOverrideTarget":"Tape"}})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(message_id(bad), "Base.1.0.PropertyValueNotInList");
    EXPECT_EQ(related(bad), json({"#/Boot/BootSourceOverrideTarget"}));
    EXPECT_NE(json::parse(bad.body)["error"]["message"].get<std::string>().find("BootSourceOverrideTarget"),
              std::string::npos);

    bad = call("PATCH", path, R"({"Boot":{"BootSourceOverrideEnabled":1}})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(message_id(bad), "Base.1.0.PropertyValueTypeError");
    bad = call("PATCH", path, R"({"Boot":{"BootSourceOverrideMode":"Legacy","Speed":"fast"}})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(related(bad), json({"#/Boot/Speed"}));
    EXPECT_EQ(call("PATCH", path, R"({"AssetTag":"x"})").status, 400);
    EXPECT_EQ(message_id(call("PATCH", path, "{not json")), "Base.1.0.MalformedJSON");
    // Nothing of a refused PATCH was applied.
    EXPECT_EQ(get_json(path)["Boot"]["BootSourceOverrideMode"], "Legacy");

    auto good = call(
        "PATCH", path,
        R"({"Boot":{"BootSourceOverrideTarget":"Pxe","BootSourceOverrideEnabled":"Once","BootSourceOverrideMode":"UEFI"}})");
    EXPECT_EQ(good.status, 204) << good.body;
    auto boot = get_json(path)["Boot"];
    EXPECT_EQ(boot["BootSourceOverrideTarget"], "Pxe");
    EXPECT_EQ(boot["BootSourceOverrideEnabled"], "Once");
    EXPECT_EQ(boot["BootSourceOverrideMode"], "UEFI");
}

TEST_F(VbmcService, ResetAppliesAOneTimeOverrideOnce) {
    const std::string path = "/redfish/v1/Systems/node-0";
    const std::string reset = path + "/Actions/ComputerSystem.Reset";
    call("PATCH", path, R"({"Boot":{"BootSourceOverrideTarget":"Pxe","BootSourceOverrideEnabled":"Once"}})");
    EXPECT_EQ(call("POST", reset, R"({"ResetType":"On"})").status, 204);
    EXPECT_EQ(get_json(path)["PowerState"], "On");
    EXPECT_EQ(get_json(path)["Boot"]["BootSourceOverrideEnabled"], "Disabled");
    EXPECT_EQ(raw("node-0")["last_boot_target"], "Pxe");

    EXPECT_EQ(call("POST", reset, R"({"ResetType":"ForceRestart"})").status, 204);
    EXPECT_EQ(raw("node-0")["last_boot_target"], "None");
    EXPECT_EQ(raw("node-0")["power_on_count"], 2);

    call("PATCH", path, R"({"Boot":{"BootSourceOverrideTarget":"Hdd","BootSourceOverrideEnabled":"Continuous"}})");
    call("POST", reset, R"({"ResetType":"ForceRestart"})");
    call("POST", reset, R"({"ResetType":"GracefulRestart"})");
    EXPECT_EQ(raw("node-0")["last_boot_target"], "Hdd");
    EXPECT_EQ(get_json(path)["Boot"]["BootSourceOverrideEnabled"], "Continuous");

    EXPECT_EQ(call("POST", reset, R"({"ResetType":"ForceOff"})").status, 204);
    EXPECT_EQ(get_json(path)["PowerState"], "Off");
    EXPECT_EQ(raw("node-0")["last_reset"], "ForceOff");
    EXPECT_EQ(get_json("/redfish/v1/Systems/node-1")["PowerState"], "Off");  // the other one is untouched
}

TEST_F(VbmcService, ResetValidation) {
    const std::string reset = "/redfish/v1/Systems/node-0/Actions/ComputerSystem.Reset";
    auto r = call("POST", reset, "{}");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(message_id(r), "Base.1.0.ActionParameterMissing");
    r = call("POST", reset, R"({"ResetType":"Explode"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(related(r), json({"#/ResetType"}));
    EXPECT_EQ(call("POST", reset, "").status, 400);
    EXPECT_EQ(call("POST", reset, R"({"ResetType":"Nmi"})").status, 409);  // needs power
    EXPECT_EQ(call("POST", "/redfish/v1/Systems/nope/Actions/ComputerSystem.Reset", R"({"ResetType":"On"})").status,
              404);
}

TEST_F(VbmcService, VirtualMediaInsertAndEject) {
    auto manager = get_json("/redfish/v1/Managers/node-0");
    EXPECT_EQ(manager["ManagerType"], "BMC");
    auto collection = get_json(manager["VirtualMedia"]["@odata.id"]);
    ASSERT_EQ(collection["Members"].size(), 2u);
    const std::string cd = collection["Members"][0]["@odata.id"];
    EXPECT_EQ(cd, "/redfish/v1/Managers/node-0/VirtualMedia/Cd");
    auto media = get_json(cd);
    EXPECT_EQ(media["MediaTypes"], json({"CD", "DVD"}));
    EXPECT_TRUE(media["Image"].is_null());
    EXPECT_EQ(media["Inserted"], false);
    EXPECT_EQ(media["ConnectedVia"], "NotConnected");
    EXPECT_EQ(get_json("/redfish/v1/Managers/node-0/VirtualMedia/Floppy")["MediaTypes"], json({"Floppy", "USBStick"}));

    const std::string insert = media["Actions"]["#VirtualMedia.InsertMedia"]["target"];
    const std::string eject = media["Actions"]["#VirtualMedia.EjectMedia"]["target"];
    EXPECT_EQ(call("POST", insert, R"({"Image":"http://10.0.2.2:8080/deploy.iso","WriteProtected":true})").status, 204);
    media = get_json(cd);
    EXPECT_EQ(media["Image"], "http://10.0.2.2:8080/deploy.iso");
    EXPECT_EQ(media["ImageName"], "deploy.iso");
    EXPECT_EQ(media["Inserted"], true);
    EXPECT_EQ(media["ConnectedVia"], "URI");
    EXPECT_EQ(raw("node-0")["media"]["Cd"]["image"], "http://10.0.2.2:8080/deploy.iso");

    auto bad = call("POST", insert, R"({"Image":"file:///etc/shadow"})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(related(bad), json({"#/Image"}));
    EXPECT_EQ(call("POST", insert, R"({"Inserted":true})").status, 400);

    EXPECT_EQ(call("POST", eject, "").status, 204);  // sushy posts no body
    media = get_json(cd);
    EXPECT_TRUE(media["Image"].is_null());
    EXPECT_EQ(media["Inserted"], false);
    EXPECT_EQ(call("GET", "/redfish/v1/Managers/node-0/VirtualMedia/Tape").status, 404);
}

TEST_F(VbmcService, UnknownResourcesAndMethods) {
    auto r = call("GET", "/redfish/v1/Systems/ghost");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(message_id(r), "Base.1.0.ResourceMissingAtURI");
    EXPECT_EQ(call("GET", "/redfish/v1/Chassis").status, 404);
    r = call("DELETE", "/redfish/v1/Systems/node-0");
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(header(r, "Allow"), "GET, PATCH");
    // Without --enable-fault-injection there is no fault endpoint.
    EXPECT_EQ(call("PUT", "/ingot-vbmc/systems/node-0/fault", R"({"mode":"hang"})").status, 404);
}

TEST_F(VbmcService, FaultModesBreakOnlyTheirSystem) {
    ServiceOptions options;
    options.fault_injection = true;
    start(std::move(options));
    const std::string fault = "/ingot-vbmc/systems/node-0/fault";
    EXPECT_EQ(call("PUT", fault, R"({"mode":"sideways"})").status, 400);

    ASSERT_EQ(call("PUT", fault, R"({"mode":"malformed-json"})").status, 200);
    auto r = call("GET", "/redfish/v1/Systems/node-0");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(json::parse(r.body, nullptr, false).is_discarded());
    EXPECT_EQ(call("GET", "/redfish/v1/Managers/node-0/VirtualMedia/Cd").status, 200);
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-1").status, 200);
    EXPECT_EQ(raw("node-0")["fault"], "malformed-json");

    call("PUT", fault, R"({"mode":"error-500"})");
    r = call("POST", "/redfish/v1/Systems/node-0/Actions/ComputerSystem.Reset", R"({"ResetType":"On"})");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(json::parse(r.body)["error"]["code"], "Base.1.0.GeneralError");
    EXPECT_EQ(raw("node-0")["power_state"], "Off");  // a faulted request is not carried out

    call("PUT", fault, R"({"mode":"unavailable-503"})");
    EXPECT_EQ(call("GET", "/redfish/v1/Managers/node-0").status, 503);
    EXPECT_EQ(call("GET", "/redfish/v1/Systems").status, 200);                 // the collection is not the system's
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-0", "", {}).status, 401);  // auth comes first

    call("PUT", fault, R"({"mode":"none"})");
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-0").status, 200);
}

TEST_F(VbmcService, HangHoldsTheAnswerUntilTheModeChanges) {
    ServiceOptions options;
    options.fault_injection = true;
    start(std::move(options));
    call("PUT", "/ingot-vbmc/systems/node-0/fault", R"({"mode":"hang"})");
    auto held = send("GET", "/redfish/v1/Systems/node-0");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(held->get().has_value());
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-1").status, 200);

    call("PUT", "/ingot-vbmc/systems/node-0/fault", R"({"mode":"none"})");
    auto answer = held->get();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 503);
    EXPECT_EQ(call("GET", "/redfish/v1/Systems/node-0").status, 200);
}

TEST_F(VbmcService, HangEndsAfterTheLimit) {
    ServiceOptions options;
    options.fault_injection = true;
    options.max_hang = std::chrono::milliseconds(100);
    start(std::move(options));
    call("PUT", "/ingot-vbmc/systems/node-0/fault", R"({"mode":"hang"})");
    auto started = std::chrono::steady_clock::now();
    auto r = call("GET", "/redfish/v1/Systems/node-0");
    EXPECT_EQ(r.status, 503);
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(90));
}

TEST_F(VbmcService, AsyncResetIsATask) {
    ServiceOptions options;
    options.async_tasks = true;
    options.task_min_duration = std::chrono::milliseconds(300);
    start(std::move(options));
    auto r = call("POST", "/redfish/v1/Systems/node-0/Actions/ComputerSystem.Reset", R"({"ResetType":"On"})");
    ASSERT_EQ(r.status, 202);
    const std::string location = header(r, "Location");
    EXPECT_EQ(location, "/redfish/v1/TaskService/Tasks/1");
    EXPECT_EQ(json::parse(r.body)["TaskState"], "Running");

    auto running = call("GET", location);
    EXPECT_EQ(running.status, 202);
    EXPECT_EQ(json::parse(running.body)["TaskState"], "Running");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto done = call("GET", location);
    EXPECT_EQ(done.status, 200);
    EXPECT_EQ(json::parse(done.body)["TaskState"], "Completed");
    EXPECT_EQ(json::parse(done.body)["TaskStatus"], "OK");
    EXPECT_EQ(get_json("/redfish/v1/Systems/node-0")["PowerState"], "On");
    EXPECT_EQ(get_json("/redfish/v1/TaskService/Tasks")["Members"].size(), 1u);

    // A failed action is a task in Exception, not an HTTP error.
    r = call("POST", "/redfish/v1/Systems/node-1/Actions/ComputerSystem.Reset", R"({"ResetType":"Nmi"})");
    ASSERT_EQ(r.status, 202);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    auto failed = json::parse(call("GET", header(r, "Location")).body);
    EXPECT_EQ(failed["TaskState"], "Exception");
    EXPECT_EQ(failed["TaskStatus"], "Critical");
    EXPECT_FALSE(failed["Messages"].empty());
}

}  // namespace
