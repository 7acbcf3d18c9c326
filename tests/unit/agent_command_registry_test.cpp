// The agent's command registry and API without sockets: IPA's result shape,
// one command at a time (409), unknown names (400), the token rule (401),
// and the commands that must refuse (power, disk writes off a ramdisk) or
// are not implemented yet.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "common/json_input.h"
#include "ramdisk-agent/service/agent_api.h"
#include "ramdisk-agent/service/builtin_commands.h"
#include "ramdisk-agent/service/command_registry.h"
#include "ramdisk-agent/service/disk_safety.h"
#include "ramdisk-agent/service/host_info.h"
#include "ramdisk-agent/service/system_logs.h"

using namespace ingot::agent::service;
using nlohmann::json;

namespace {

// An async command that runs until the test lets it go.
struct Gate {
    std::promise<void> open;
    std::shared_future<void> opened = open.get_future().share();
};

void add_gated(CommandRegistry& r, Gate& gate) {
    r.add("test", "gated",
          {[f = gate.opened](const json& params) {
               f.wait();
               return json{{"echo", params}};
           },
           true});
}

json status_of(const std::shared_ptr<CommandResult>& r) {
    return r->to_json()["command_status"];
}

TEST(AgentCommandRegistry, SyncCommandResultHasIpaShape) {
    CommandRegistry r;
    add_builtin_commands(r, {});
    auto result = r.execute("clean.get_clean_steps", {{"node", json::object()}, {"ports", json::array()}});
    json j = result->to_json();
    for (const char* key :
         {"id", "command_name", "command_params", "command_status", "command_error", "command_result"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["command_name"], "clean.get_clean_steps");
    EXPECT_EQ(j["command_status"], "SUCCEEDED");
    EXPECT_TRUE(j["command_error"].is_null());
    const json& steps = j["command_result"]["clean_steps"]["GenericHardwareManager"];
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0]["step"], "erase_devices");
    EXPECT_EQ(steps[0]["priority"], 10);
    EXPECT_EQ(steps[1]["step"], "erase_devices_metadata");
    EXPECT_EQ(steps[1]["priority"], 99);
    EXPECT_EQ(r.result(j["id"])->id(), j["id"]);
}

TEST(AgentCommandRegistry, OneCommandAtATime) {
    CommandRegistry r;
    add_builtin_commands(r, {});
    Gate gate;
    add_gated(r, gate);
    auto running = r.execute("test.gated", {{"x", 1}});
    EXPECT_EQ(status_of(running), "RUNNING");
    try {
        r.execute("clean.get_clean_steps", json::object());
        FAIL() << "a second command ran while one was RUNNING";
    } catch (const AgentError& e) {
        EXPECT_EQ(e.code(), 409);
        EXPECT_EQ(e.type(), "AgentIsBusy");
        EXPECT_NE(e.details().find("test.gated"), std::string::npos);
    }
    gate.open.set_value();
    running->wait();
    EXPECT_EQ(status_of(running), "SUCCEEDED");
    EXPECT_EQ(running->to_json()["command_result"]["echo"]["x"], 1);
    EXPECT_EQ(status_of(r.execute("clean.get_clean_steps", json::object())), "SUCCEEDED");
    EXPECT_EQ(r.results().size(), 2u) << "the refused command left no result";
}

TEST(AgentCommandRegistry, UnknownNamesAreInvalidCommands) {
    CommandRegistry r;
    add_builtin_commands(r, {});
    for (const char* name : {"nodot", "clean.nope", "nope.get_clean_steps", ".x", "x."}) {
        try {
            r.execute(name, json::object());
            FAIL() << name;
        } catch (const AgentError& e) {
            EXPECT_EQ(e.code(), 400) << name;
            EXPECT_EQ(e.type(), "InvalidCommandError");
        }
    }
    EXPECT_THROW(r.result("no-such-id"), AgentError);
}

TEST(AgentCommandRegistry, RegistersIpaExtensions) {
    CommandRegistry r;
    add_builtin_commands(r, {});
    auto names = r.names();
    for (const char* n :
         {"standby.get_partition_uuids", "standby.sync", "standby.power_off", "standby.run_image",
          "standby.prepare_image", "clean.get_clean_steps", "clean.execute_clean_step", "deploy.get_deploy_steps",
          "deploy.execute_deploy_step", "image.install_bootloader", "log.collect_system_logs"})
        EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(AgentCommandRegistry, NotYetImplementedCommandsFailClearly) {
    CommandRegistry r;
    add_builtin_commands(r, {});
    auto result = r.execute("standby.cache_image", {{"image_info", json::object()}});
    result->wait();
    json j = result->to_json();
    EXPECT_EQ(j["command_status"], "FAILED");
    EXPECT_EQ(j["command_error"]["type"], "NotImplementedError");
    EXPECT_NE(j["command_error"]["details"].get<std::string>().find("not implemented yet"), std::string::npos);
}

TEST(AgentCommandRegistry, DiskCommandsRefusedOffARamdisk) {
    // SAFETY: the test process is not PID 1 and gives neither
    // --allow-disk-writes nor --loop-devices-only: every command that writes
    // or erases fails with the safety message, through the registry, as the
    // conductor would see it.
    ASSERT_NE(getpid(), 1);
    CommandRegistry r;
    add_builtin_commands(r, {});
    const json node = {{"uuid", "n1"}, {"properties", {{"root_device", {{"name", "/dev/sda"}}}}}};
    const json image_info = {{"id", "i"}, {"urls", {"http://127.0.0.1:9/i"}}, {"image_type", "whole-disk-image"}};
    const std::vector<std::pair<std::string, json>> commands = {
        {"deploy.execute_deploy_step",
         {{"step", {{"step", "write_image"}, {"interface", "deploy"}, {"args", {{"image_info", image_info}}}}},
          {"node", node},
          {"ports", json::array()}}},
        {"standby.prepare_image", {{"image_info", image_info}}},
        {"clean.execute_clean_step", {{"step", {{"step", "erase_devices_metadata"}}}, {"node", node}}},
        {"clean.execute_clean_step", {{"step", {{"step", "erase_devices"}}}, {"node", node}}},
    };
    for (const auto& [name, params] : commands) {
        auto result = r.execute(name, params);
        result->wait();
        json j = result->to_json();
        EXPECT_EQ(j["command_status"], "FAILED") << name;
        EXPECT_EQ(j["command_error"]["type"], "ProtectedDeviceError") << name;
        EXPECT_EQ(j["command_error"]["details"], kDiskWritesRefused) << name;
    }
    // The bootloader is refused earlier still: nothing was written.
    auto result = r.execute("image.install_bootloader", {{"root_uuid", "x"}, {"target_boot_mode", "uefi"}});
    result->wait();
    EXPECT_NE(result->to_json()["command_error"]["details"].get<std::string>().find("no image was written"),
              std::string::npos)
        << result->to_json().dump();
    auto uuids = r.execute("standby.get_partition_uuids", json::object())->to_json();
    EXPECT_EQ(uuids["command_result"], json::object()) << uuids.dump();
}

TEST(AgentCommandRegistry, UnknownStepsFailWithIpaError) {
    CommandRegistry r;
    add_builtin_commands(r, {});
    for (const char* name : {"deploy.execute_deploy_step", "clean.execute_clean_step"}) {
        auto result = r.execute(name, {{"step", {{"step", "make_coffee"}, {"interface", "deploy"}}}});
        result->wait();
        json j = result->to_json();
        EXPECT_EQ(j["command_status"], "FAILED") << name;
        EXPECT_EQ(j["command_error"]["type"], "HardwareManagerMethodNotFound") << name;
        EXPECT_EQ(j["command_error"]["message"], "No HardwareManager found to handle method");
        EXPECT_EQ(j["command_error"]["details"], "Could not find method: make_coffee");
    }
}

TEST(AgentCommandRegistry, AsyncCommandEndCallsTheHook) {
    // main() makes the heartbeater beat at once from this hook (IPA's force_heartbeat).
    CommandRegistry r;
    add_builtin_commands(r, {});
    std::promise<void> called;
    auto future = called.get_future();
    std::atomic<int> calls{0};
    r.on_async_done([&] {
        if (calls++ == 0) called.set_value();
    });
    r.execute("clean.get_clean_steps", json::object());  // sync: no hook
    EXPECT_EQ(calls, 0);
    Gate gate;
    add_gated(r, gate);
    auto running = r.execute("test.gated", json::object());
    EXPECT_EQ(future.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout) << "called while RUNNING";
    gate.open.set_value();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(status_of(running), "SUCCEEDED") << "the result is final before the heartbeat";
}

TEST(AgentCommandRegistry, PowerActionsRefusedOffARamdisk) {
    // SAFETY: the test process is not PID 1 and does not allow power
    // actions; the command must fail without touching the machine.
    ASSERT_NE(getpid(), 1);
    CommandRegistry r;
    add_builtin_commands(r, {/*allow_power_actions=*/false});
    for (const char* name : {"standby.power_off", "standby.run_image"}) {
        auto result = r.execute(name, json::object());
        result->wait();
        json j = result->to_json();
        EXPECT_EQ(j["command_status"], "FAILED") << name;
        EXPECT_NE(j["command_error"]["details"].get<std::string>().find("not PID 1"), std::string::npos);
    }
}

TEST(AgentCommandRegistry, ParamsSecretsAreMasked) {
    CommandRegistry r;
    add_builtin_commands(r, {});
    auto result = r.execute("standby.get_partition_uuids", {{"configdrive", "secret-blob"}});
    EXPECT_EQ(result->to_json()["command_params"]["configdrive"], "******");
}

ingot::http::Request request(const std::string& method, const std::string& path, const std::string& body = "",
                             std::vector<std::pair<std::string, std::string>> query = {}) {
    ingot::http::Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.query = std::move(query);
    return r;
}

json body_of(const ingot::http::Response& r) {
    return json::parse(r.body);
}

TEST(AgentApi, RunsListsAndGetsCommands) {
    CommandRegistry registry;
    add_builtin_commands(registry, {});
    AgentToken token;
    AgentApi api(registry, token, "0.1.0");

    auto req = request("POST", "/v1/commands/",
                       json({{"name", "deploy.get_deploy_steps"}, {"params", json::object()}}).dump());
    auto resp = api.handle(req);
    ASSERT_EQ(resp.status, 200) << resp.body;
    json result = body_of(resp);
    EXPECT_EQ(result["command_status"], "SUCCEEDED");
    EXPECT_EQ(result["command_result"]["deploy_steps"]["GenericHardwareManager"][0]["step"], "write_image");

    req = request("GET", "/v1/commands");
    resp = api.handle(req);
    EXPECT_EQ(body_of(resp)["commands"].size(), 1u);
    req = request("GET", "/v1/commands/" + result["id"].get<std::string>());
    EXPECT_EQ(body_of(api.handle(req))["id"], result["id"]);
    req = request("GET", "/commands/nope");
    resp = api.handle(req);
    EXPECT_EQ(resp.status, 404);
    EXPECT_EQ(body_of(resp)["faultcode"], "Client");

    req = request("GET", "/v1/status");
    resp = api.handle(req);
    EXPECT_EQ(body_of(resp)["version"], "0.1.0");
    EXPECT_TRUE(body_of(resp)["started_at"].is_number());

    for (const char* bad : {"{}", "not json", R"({"name": "clean.get_clean_steps"})",
                            R"({"name": "clean.get_clean_steps", "params": []})"}) {
        req = request("POST", "/v1/commands", bad);
        resp = api.handle(req);
        EXPECT_EQ(resp.status, 400) << bad;
        EXPECT_EQ(body_of(resp)["faultstring"], "Missing or invalid name or params");
    }
    req = request("POST", "/v1/commands", json({{"name", "x.y"}, {"params", json::object()}}).dump());
    EXPECT_EQ(api.handle(req).status, 400);
}

TEST(AgentApi, BusyIs409AndWaitIsDeferred) {
    CommandRegistry registry;
    add_builtin_commands(registry, {});
    Gate gate;
    add_gated(registry, gate);
    AgentToken token;
    AgentApi api(registry, token, "0.1.0");
    auto req = request("POST", "/v1/commands", json({{"name", "test.gated"}, {"params", json::object()}}).dump(),
                       {{"wait", "true"}});
    auto resp = api.handle(req);
    ASSERT_TRUE(resp.deferred) << "wait=true must not hold the HTTP thread";
    std::promise<ingot::http::Response> answered;
    resp.deferred([&answered](ingot::http::Response r) { answered.set_value(std::move(r)); });

    req = request("POST", "/v1/commands", json({{"name", "clean.get_clean_steps"}, {"params", json::object()}}).dump());
    auto busy = api.handle(req);
    EXPECT_EQ(busy.status, 409);
    EXPECT_NE(body_of(busy)["faultstring"].get<std::string>().find("Agent is busy"), std::string::npos);

    auto future = answered.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
    gate.open.set_value();
    ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    auto done = future.get();
    EXPECT_EQ(done.status, 200);
    EXPECT_EQ(body_of(done)["command_status"], "SUCCEEDED");
}

TEST(AgentApi, TokenRequiredOnceKnown) {
    CommandRegistry registry;
    add_builtin_commands(registry, {});
    AgentToken token;
    AgentApi api(registry, token, "0.1.0");
    const std::string cmd = json({{"name", "standby.get_partition_uuids"}, {"params", json::object()}}).dump();

    auto req = request("POST", "/v1/commands", cmd);
    EXPECT_EQ(api.handle(req).status, 200) << "no token known, none given: standalone works";

    token.set("0123456789abcdef0123456789abcdef");
    req = request("POST", "/v1/commands", cmd);
    auto resp = api.handle(req);
    EXPECT_EQ(resp.status, 401);
    EXPECT_EQ(body_of(resp)["faultstring"], "Token invalid.");
    req = request("POST", "/v1/commands", cmd, {{"agent_token", "0123456789abcdef0123456789abcdeX"}});
    EXPECT_EQ(api.handle(req).status, 401);
    req = request("POST", "/v1/commands", cmd, {{"agent_token", "0123456789abcdef0123456789abcdef"}});
    EXPECT_EQ(api.handle(req).status, 200);

    // GETs: free until one carries a token, then checked (IPA's latch).
    req = request("GET", "/v1/commands");
    EXPECT_EQ(api.handle(req).status, 200);
    req = request("GET", "/v1/commands", "", {{"agent_token", "wrong"}});
    EXPECT_EQ(api.handle(req).status, 401);
    req = request("GET", "/v1/commands");
    EXPECT_EQ(api.handle(req).status, 401);
}

// Found by fuzz/agent_api_fuzzer (fuzz/corpus/agent_api/crash-command-id-not-utf8):
// a command id that is not UTF-8 went into the 404's message, whose dump()
// threw out of handle() instead of answering.
TEST(AgentApi, ACommandIdThatIsNotUtf8GetsA404) {
    CommandRegistry registry;
    AgentToken token;
    AgentApi api(registry, token, "0.1.0");
    auto req = request("GET", "/v1/commands/\xbe\x02");
    ingot::http::Response resp;
    ASSERT_NO_THROW(resp = api.handle(req));
    EXPECT_EQ(resp.status, 404);
    EXPECT_EQ(body_of(resp)["faultcode"], "Client");
    EXPECT_TRUE(ingot::is_valid_utf8(resp.body)) << resp.body;
}

TEST(AgentHostInfo, KernelParamAndBase64) {
    char path[] = "/tmp/ingot-cmdline-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string text = "BOOT_IMAGE=/vmlinuz ipa-api-url=http://10.0.0.1:6385 quiet\n";
    ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    close(fd);
    EXPECT_EQ(kernel_param("ipa-api-url", path).value_or(""), "http://10.0.0.1:6385");
    EXPECT_FALSE(kernel_param("ipa-missing", path));
    unlink(path);
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

}  // namespace
