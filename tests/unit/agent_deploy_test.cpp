// AgentDeploy (the "direct" deploy interface) against a scripted ramdisk
// agent: an in-process http::Server speaking IPA's command API whose answers
// each test sets. Covers the heartbeat-driven deploy (whole-disk and
// partition images), cleaning with priority overrides and manual steps,
// failures with the agent's own message, an unreachable or busy agent, and
// the agent token (sent on every call, never logged nor shown in errors).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>


#include <fstream>
#include <sstream>

#include "common/log.h"
#include "deploy/agent_deploy.h"
#include "interfaces/boot.h"
#include "interfaces/power.h"
#include "tests/support/conductor_process.h"
#include "tests/support/flooding_server.h"
#include "tests/support/listening_socket.h"
#include "tests/support/scripted_agent.h"

using namespace ingot;
using interfaces::HeartbeatOutcome;
using nlohmann::json;
using test::ScriptedAgent;

namespace {

constexpr const char* kToken = "tok-5ecret-Zq9xW2vL8mN4pR7tY1uI3oP6aS0dF";
constexpr const char* kUuid = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";

// Boot and power interfaces that record what they were asked, in order.
struct Calls {
    std::vector<std::string> list;
    std::string joined() const {
        std::string s;
        for (const auto& c : list) s += (s.empty() ? "" : ", ") + c;
        return s;
    }
};

class RecordingBoot : public interfaces::BootInterface {
public:
    explicit RecordingBoot(Calls& calls) : calls_(calls) {}
    void prepare_ramdisk(interfaces::Task&, const std::map<std::string, std::string>&) override {
        calls_.list.push_back("prepare_ramdisk");
    }
    void clean_up_ramdisk(interfaces::Task&) override { calls_.list.push_back("clean_up_ramdisk"); }
    void prepare_instance(interfaces::Task&) override { calls_.list.push_back("prepare_instance"); }
    void clean_up_instance(interfaces::Task&) override { calls_.list.push_back("clean_up_instance"); }

private:
    Calls& calls_;
};

class RecordingPower : public interfaces::PowerInterface {
public:
    explicit RecordingPower(Calls& calls) : calls_(calls) {}
    std::string get_power_state(interfaces::Task&) override { return state; }
    void set_power_state(interfaces::Task&, const std::string& s, std::chrono::seconds) override {
        calls_.list.push_back(s);
        state = s;
    }
    void reboot(interfaces::Task&, std::chrono::seconds) override {
        calls_.list.push_back("reboot");
        state = interfaces::kPowerOn;
    }
    std::string state = interfaces::kPowerOff;

private:
    Calls& calls_;
};

json deploy_steps_result() {
    return {{"deploy_steps",
             {{"GenericHardwareManager",
               {{{"step", "write_image"}, {"priority", 0}, {"interface", "deploy"}, {"reboot_requested", false}}}}}},
            {"hardware_manager_version", {{"generic_hardware_manager", "1.2"}}}};
}

json clean_steps_result() {
    auto step = [](const char* name, int priority) {
        return json{{"step", name},
                    {"priority", priority},
                    {"interface", "deploy"},
                    {"reboot_requested", false},
                    {"abortable", true}};
    };
    return {{"clean_steps",
             {{"GenericHardwareManager", {step("erase_devices", 10), step("erase_devices_metadata", 99)}},
              {"BurnInManager", {step("burnin_cpu", 50), step("burnin_disk", 0)}}}},
            {"hardware_manager_version", {{"generic_hardware_manager", "1.2"}}}};
}

class AgentDeployTest : public ::testing::Test {
protected:
    void SetUp() override {
        log::set_level(log::Level::error);
        settings.client.command_timeout = std::chrono::seconds(5);
        settings.client.connect_timeout = std::chrono::seconds(2);
        settings.power_timeout = std::chrono::seconds(5);
        settings.power_state_retries = 0;
        settings.power_state_retry_interval = std::chrono::milliseconds(0);
        agent.on("deploy.get_deploy_steps", {"SUCCEEDED", deploy_steps_result()});
        agent.on("clean.get_clean_steps", {"SUCCEEDED", clean_steps_result()});
        agent.on("standby.power_off", {"FAILED",
                                       nullptr,
                                       {{"type", "CommandExecutionError"},
                                        {"code", 500},
                                        {"message", "Command execution failed"},
                                        {"details", "Refusing to power off the machine: ingot-agent is not PID 1"}},
                                       200,
                                       true});
    }

    json node(const json& instance_info, const std::string& state = "wait call-back") {
        return {{"uuid", kUuid},
                {"provision_state", state},
                {"target_provision_state", state == "clean wait" ? "available" : "active"},
                {"power_state", "power off"},
                {"driver_info", {{"ipmi_password", "bmc-pass"}}},
                {"instance_info", instance_info},
                {"driver_internal_info", json::object()}};
    }

    interfaces::Task task_for(json n) {
        interfaces::Task t(std::move(n), "conductor-1");
        t.set_driver({&boot, &power, nullptr});
        t.set_ports(json::array({{{"uuid", "p-1"}, {"address", "52:54:00:aa:bb:cc"}, {"pxe_enabled", true}}}));
        return t;
    }

    // What the conductor does when the agent looked up and heartbeats.
    // Its certificate is pinned from its heartbeat (auto-TLS).
    void agent_booted(interfaces::Task& t, const std::string& url = "") {
        t.driver_internal_info()["agent_url"] = url.empty() ? agent.url() : url;
        t.driver_internal_info()["agent_secret_token"] = kToken;
        t.driver_internal_info()["agent_verify_ca"] = agent.certificate_pem();
    }

    static json whole_disk() {
        return {{"image_source", "http://images.example/cirros.raw"},
                {"image_checksum", std::string(64, 'a')},
                {"image_disk_format", "raw"},
                {"root_gb", 10},
                {"configdrive", {{"meta_data", {{"hostname", "n1"}}}}}};
    }

    deploy::AgentDeploySettings settings;
    ScriptedAgent agent{kToken};
    Calls calls;
    RecordingBoot boot{calls};
    RecordingPower power{calls};
};

using Action = HeartbeatOutcome::Action;

TEST_F(AgentDeployTest, WholeDiskDeployWritesPollsPowersOffOutOfBandAndBoots) {
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk(), "deploying"));
    t.driver_internal_info()["agent_url"] = "http://10.0.0.1:9999";  // a stale agent
    t.driver_internal_info()["agent_secret_token"] = "old";
    ASSERT_NO_THROW(d.validate(t));
    EXPECT_EQ(d.deploy(t), interfaces::DeployResult::wait_for_callback);
    EXPECT_EQ(calls.joined(), "prepare_ramdisk, reboot");
    EXPECT_FALSE(t.driver_internal_info().contains("agent_url")) << "the rebooted machine runs a new agent";
    EXPECT_FALSE(t.driver_internal_info().contains("agent_secret_token"));
    EXPECT_EQ(t.node()["deploy_step"]["step"], "deploy");
    EXPECT_EQ(t.node()["power_state"], "power on");

    t.node()["provision_state"] = "wait call-back";
    agent_booted(t);
    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::keep_waiting) << out.error;
    EXPECT_EQ(agent.ran(), (std::vector<std::string>{"deploy.get_deploy_steps", "deploy.execute_deploy_step"}));
    EXPECT_EQ(t.node()["deploy_step"]["step"], "write_image");
    EXPECT_EQ(t.driver_internal_info()["deploy_step_index"], 1);
    EXPECT_TRUE(t.driver_internal_info().contains("agent_cached_deploy_steps"));
    EXPECT_EQ(t.driver_internal_info()["agent_pending_command"], "deploy.execute_deploy_step");

    json params = agent.params_of("deploy.execute_deploy_step");
    const json& step = params["step"];
    EXPECT_EQ(step["interface"], "deploy");
    EXPECT_EQ(step["step"], "write_image");
    EXPECT_EQ(step["priority"], 80);
    const json& info = step["args"]["image_info"];
    EXPECT_EQ(info["id"], "cirros.raw");
    EXPECT_EQ(info["urls"], json::array({"http://images.example/cirros.raw"}));
    EXPECT_EQ(info["checksum"], std::string(64, 'a'));
    EXPECT_EQ(info["disk_format"], "raw");
    EXPECT_EQ(info["image_type"], "whole-disk-image");
    EXPECT_EQ(info["node_uuid"], kUuid);
    EXPECT_EQ(info["stream_raw_images"], true);
    EXPECT_FALSE(info.contains("root_mb")) << "partition sizes are for partition images";
    EXPECT_EQ(step["args"]["configdrive"]["meta_data"]["hostname"], "n1");
    EXPECT_EQ(params["node"]["uuid"], kUuid);
    EXPECT_EQ(params["node"]["driver_internal_info"]["agent_secret_token"], "******");
    EXPECT_EQ(params["node"]["driver_info"]["ipmi_password"], "******");
    EXPECT_EQ(params["ports"][0]["address"], "52:54:00:aa:bb:cc");
    EXPECT_EQ(agent.requests().back().wait, "false") << "write_image runs asynchronously";

    // Still writing: keep waiting.
    out = d.heartbeat(t, {});
    EXPECT_EQ(out.action, Action::keep_waiting);
    EXPECT_EQ(agent.requests().back().method, "GET");

    agent.finish();
    calls.list.clear();
    out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::done) << out.error;
    // The agent refused to power off (not PID 1): out of band instead.
    EXPECT_EQ(agent.ran().back(), "standby.power_off");
    EXPECT_EQ(calls.joined(), "prepare_instance, power off, power on");
    EXPECT_EQ(t.node()["power_state"], "power on");
    EXPECT_EQ(t.node()["deploy_step"], json::object());
    const json& internal = t.driver_internal_info();
    for (const char* gone :
         {"agent_url", "agent_secret_token", "deploy_step_index", "agent_pending_command", "agent_cached_deploy_steps"})
        EXPECT_FALSE(internal.contains(gone)) << gone;
    EXPECT_EQ(internal["is_whole_disk_image"], true);
    for (const auto& r : agent.requests()) EXPECT_EQ(r.token, kToken) << r.method << " " << r.path;
}

TEST_F(AgentDeployTest, PartitionImageInstallsTheBootloaderOnTheRootPartition) {
    json ii = {{"image_source", "http://images.example/root.qcow2"},
               {"image_os_hash_algo", "sha512"},
               {"image_os_hash_value", std::string(128, 'b')},
               {"kernel", "http://images.example/vmlinuz"},
               {"ramdisk", "http://images.example/initrd"},
               {"root_gb", 10},
               {"swap_mb", 512},
               {"deploy_boot_mode", "uefi"}};
    agent.on("standby.get_partition_uuids",
             {"SUCCEEDED", {{"root uuid", "ROOT-UUID"}, {"efi system partition uuid", "EFI-UUID"}}});
    agent.on("standby.power_off", {"SUCCEEDED", nullptr, nullptr, 200, true});
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(ii));
    ASSERT_NO_THROW(d.validate(t));
    d.deploy(t);
    t.node()["provision_state"] = "wait call-back";
    agent_booted(t);
    ASSERT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting);
    const json info = agent.params_of("deploy.execute_deploy_step")["step"]["args"]["image_info"];
    EXPECT_EQ(info["image_type"], "partition");
    EXPECT_EQ(info["root_mb"], 10240);
    EXPECT_EQ(info["swap_mb"], 512);
    EXPECT_EQ(info["ephemeral_mb"], 0);
    EXPECT_EQ(info["os_hash_algo"], "sha512");
    EXPECT_EQ(info["os_hash_value"], std::string(128, 'b'));
    EXPECT_FALSE(info.contains("checksum"));
    EXPECT_EQ(info["deploy_boot_mode"], "uefi");
    EXPECT_EQ(info["kernel"], "http://images.example/vmlinuz");

    agent.finish();
    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::keep_waiting) << out.error;
    EXPECT_EQ(agent.ran(), (std::vector<std::string>{"deploy.get_deploy_steps", "deploy.execute_deploy_step",
                                                     "standby.get_partition_uuids", "image.install_bootloader"}));
    EXPECT_EQ(agent.params_of("image.install_bootloader"),
              (json{{"root_uuid", "ROOT-UUID"}, {"efi_system_part_uuid", "EFI-UUID"}, {"target_boot_mode", "uefi"}}));
    EXPECT_EQ(t.node()["deploy_step"]["step"], "prepare_instance_boot");
    EXPECT_EQ(t.driver_internal_info()["root_uuid_or_disk_id"], "ROOT-UUID");

    // The bootloader is still being installed.
    EXPECT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting);
    agent.finish();
    calls.list.clear();
    out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::done) << out.error;
    // The agent accepted power off, but the (recording) BMC still says on:
    // forced off after the checks, then on.
    EXPECT_EQ(calls.joined(), "prepare_instance, power off, power on");
    EXPECT_EQ(t.driver_internal_info()["root_uuid_or_disk_id"], "ROOT-UUID");
}

TEST_F(AgentDeployTest, ForcedOutOfBandRebootSkipsTheAgentsPowerOff) {
    agent.on("standby.sync", {"SUCCEEDED"});
    deploy::AgentDeploy d(settings);
    json n = node(whole_disk());
    n["driver_info"]["deploy_forces_oob_reboot"] = "True";
    auto t = task_for(n);
    ASSERT_NO_THROW(d.validate(t));
    agent_booted(t);
    ASSERT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting);
    agent.finish();
    ASSERT_EQ(d.heartbeat(t, {}).action, Action::done);
    EXPECT_EQ(agent.ran().back(), "standby.sync");
    EXPECT_EQ(calls.joined(), "prepare_instance, power off, power on");
}

TEST_F(AgentDeployTest, FailedWriteImageFailsWithTheAgentsMessage) {
    agent.on("deploy.execute_deploy_step", {"FAILED",
                                            nullptr,
                                            {{"type", "ImageWriteError"},
                                             {"code", 500},
                                             {"message", "Error writing image to device"},
                                             {"details", "No space left on device /dev/vda"}}});
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk()));
    agent_booted(t);
    ASSERT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting);
    agent.finish();
    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_EQ(out.error, std::string("Deploy step deploy.write_image failed on node ") + kUuid +
                             ". No space left on device /dev/vda");
    EXPECT_EQ(calls.joined(), "power off") << "[deploy] power_off_after_deploy_failure";
    EXPECT_EQ(t.node()["deploy_step"], json::object());
    EXPECT_FALSE(t.driver_internal_info().contains("agent_pending_command"));
}

TEST_F(AgentDeployTest, UnreachableAgentFailsNamingItsUrlWithoutTheToken) {
    const int port = test::free_port();  // nothing listens there
    const std::string url = "https://127.0.0.1:" + std::to_string(port);
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk()));
    agent_booted(t, url);
    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_NE(out.error.find("Failed to process the next deploy step: Failed to connect to the agent running on node " +
                             std::string(kUuid) + " at " + url),
              std::string::npos)
        << out.error;
    EXPECT_EQ(out.error.find(kToken), std::string::npos) << out.error;

    // In clean wait the same is a clean failure.
    auto c = task_for(node(whole_disk(), "clean wait"));
    agent_booted(c, url);
    out = d.heartbeat(c, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_NE(out.error.find("Node failed to check cleaning progress: Failed to connect to the agent"),
              std::string::npos)
        << out.error;
    EXPECT_EQ(out.error.find(kToken), std::string::npos) << out.error;
}

TEST_F(AgentDeployTest, AnAgentThatStopsAnsweringFailsAfterTheCommandTimeout) {
    settings.client.command_timeout = std::chrono::milliseconds(300);
    test::ListeningSocket silent;  // takes connections (the kernel's backlog), never answers
    const std::string silent_url = "https://127.0.0.1:" + std::to_string(silent.port());
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk()));
    agent_booted(t, silent_url);
    const auto started = std::chrono::steady_clock::now();
    auto out = d.heartbeat(t, {});
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_NE(out.error.find("at " + silent_url + " for invoking command deploy.get_deploy_steps"), std::string::npos)
        << out.error;
    EXPECT_NE(out.error.find("within 0.3 s"), std::string::npos) << out.error;
    EXPECT_EQ(out.error.find(kToken), std::string::npos) << out.error;
    EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(AgentDeployTest, APlainHttpAgentIsRefused) {
    ScriptedAgent plain{kToken, ScriptedAgent::Plain::yes};
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk()));
    agent_booted(t, plain.url());
    t.driver_internal_info().erase("agent_verify_ca");
    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_NE(out.error.find("The agent of node " + std::string(kUuid) + " serves plain HTTP at " + plain.url() +
                             ": refused"),
              std::string::npos)
        << out.error;
    EXPECT_TRUE(plain.requests().empty()) << "the token went out in clear";

    // [agent] require_tls = false: as Ironic's default.
    settings.client.require_tls = false;
    deploy::AgentDeploy lax(settings);
    auto u = task_for(node(whole_disk()));
    agent_booted(u, plain.url());
    u.driver_internal_info().erase("agent_verify_ca");
    plain.on("deploy.get_deploy_steps", {"SUCCEEDED", deploy_steps_result()});
    EXPECT_EQ(lax.heartbeat(u, {}).action, Action::keep_waiting);
    EXPECT_FALSE(plain.requests().empty());
}

// A machine whose agent answers without end (a compromised ramdisk, or a
// host that took the agent's address): the conductor stops reading at its
// limit and fails the deploy, instead of holding the flood in memory until
// the command timeout (or until it runs out of memory).
TEST_F(AgentDeployTest, AnAgentAnsweringWithoutEndIsRefusedNotRead) {
    test::FloodingServer flood(test::FloodingServer::Flood::chunked_body);
    settings.client.require_tls = false;
    settings.client.command_timeout = std::chrono::seconds(60);
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk()));
    agent_booted(t, flood.url());
    t.driver_internal_info().erase("agent_verify_ca");
    const auto started = std::chrono::steady_clock::now();
    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_NE(out.error.find("Agent on node " + std::string(kUuid) + " at " + flood.url() +
                             " for command deploy.get_deploy_steps: the answer to POST " + flood.url() +
                             "/v1/commands/?wait=true&agent_token=*** is larger than 16 MiB: refused"),
              std::string::npos)
        << out.error;
    EXPECT_EQ(out.error.find(kToken), std::string::npos) << out.error;
    EXPECT_LT(flood.bytes_sent(), uint64_t{48} << 20) << "read past the limit";
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30)) << "waited for a timeout";
}

TEST_F(AgentDeployTest, OnlyThePinnedCertificateIsTrusted) {
    // Another key at the agent's address (a machine in the middle): the
    // handshake fails before any request, token or config drive is sent.
    ScriptedAgent impostor{kToken};
    auto t = task_for(node(whole_disk()));
    agent_booted(t, impostor.url());  // pins `agent`'s certificate, not the impostor's
    settings.client.verify_ca = false;  // pinned beats [agent] verify_ca
    t.node()["driver_info"]["agent_verify_ca"] = false;  // and the node's own setting
    auto out = deploy::AgentDeploy(settings).heartbeat(t, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_NE(out.error.find("Failed to connect to the agent"), std::string::npos) << out.error;
    EXPECT_TRUE(impostor.requests().empty());
}

TEST_F(AgentDeployTest, APowerCycleKeepsOnlyAPregeneratedToken) {
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk(), "deploying"));
    // As redfish-virtual-media leaves it: the token is on the ISO's command line.
    t.driver_internal_info()["agent_secret_token"] = kToken;
    t.driver_internal_info()["agent_secret_token_pregenerated"] = true;
    t.driver_internal_info()["agent_lookup_address"] = "10.0.0.9";
    EXPECT_EQ(d.deploy(t), interfaces::DeployResult::wait_for_callback);
    EXPECT_EQ(calls.joined(), "prepare_ramdisk, reboot");
    EXPECT_EQ(t.driver_internal_info().value("agent_secret_token", ""), kToken) << "the booting agent needs it";
    EXPECT_FALSE(t.driver_internal_info().contains("agent_lookup_address")) << "DHCP may give it another address";
}

TEST_F(AgentDeployTest, BusyAgentIsAskedAgainAtTheNextHeartbeat) {
    agent.on("deploy.execute_deploy_step", {"SUCCEEDED", nullptr, nullptr, 409});
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(whole_disk()));
    agent_booted(t);
    auto out = d.heartbeat(t, {});
    EXPECT_EQ(out.action, Action::keep_waiting) << out.error;
    EXPECT_FALSE(t.driver_internal_info().contains("agent_pending_command"));

    agent.on("deploy.execute_deploy_step", {"SUCCEEDED"});
    out = d.heartbeat(t, {});
    EXPECT_EQ(out.action, Action::keep_waiting) << out.error;
    EXPECT_EQ(t.driver_internal_info()["agent_pending_command"], "deploy.execute_deploy_step");
    EXPECT_EQ(agent.ran(), (std::vector<std::string>{"deploy.get_deploy_steps", "deploy.execute_deploy_step"}));
}

TEST_F(AgentDeployTest, AutomatedCleaningRunsTheAgentsStepsByPriorityWithOverrides) {
    settings.erase_devices_priority = 0;             // disabled
    settings.erase_devices_metadata_priority = 120;  // before everything
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(json::object(), "cleaning"));
    EXPECT_EQ(d.clean(t, nullptr), interfaces::DeployResult::wait_for_callback);
    EXPECT_EQ(calls.joined(), "prepare_ramdisk, reboot");
    t.node()["provision_state"] = "clean wait";
    agent_booted(t);

    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::keep_waiting) << out.error;
    json steps = t.driver_internal_info()["clean_steps"];
    // erase_devices is disabled (0), burnin_disk has priority 0 from the agent.
    ASSERT_EQ(steps.size(), 2u) << steps.dump();
    EXPECT_EQ(steps[0]["step"], "erase_devices_metadata");
    EXPECT_EQ(steps[0]["priority"], 120);
    EXPECT_EQ(steps[1]["step"], "burnin_cpu");
    EXPECT_EQ(t.node()["clean_step"]["step"], "erase_devices_metadata");
    json params = agent.params_of("clean.execute_clean_step");
    EXPECT_EQ(params["step"]["step"], "erase_devices_metadata");
    EXPECT_EQ(params["clean_version"], (json{{"generic_hardware_manager", "1.2"}}));
    EXPECT_EQ(params["ports"].size(), 1u);
    EXPECT_EQ(params["node"]["uuid"], kUuid);
    EXPECT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting) << "still erasing";

    agent.finish();
    out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::keep_waiting) << out.error;
    EXPECT_EQ(t.node()["clean_step"]["step"], "burnin_cpu");
    EXPECT_EQ(t.driver_internal_info()["clean_step_index"], 1);

    agent.finish();
    calls.list.clear();
    out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::done) << out.error;
    EXPECT_EQ(calls.joined(), "power off, clean_up_ramdisk");
    EXPECT_EQ(t.node()["clean_step"], json::object());
    EXPECT_FALSE(t.driver_internal_info().contains("clean_steps"));
    EXPECT_FALSE(t.driver_internal_info().contains("agent_url"));
    EXPECT_EQ(agent.ran(), (std::vector<std::string>{"clean.get_clean_steps", "clean.execute_clean_step",
                                                     "clean.execute_clean_step"}));
}

TEST_F(AgentDeployTest, DefaultPrioritiesRunEveryPositiveStepHighestFirst) {
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(json::object(), "clean wait"));
    d.clean(t, nullptr);
    agent_booted(t);
    ASSERT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting);
    std::vector<std::string> order;
    for (const auto& s : t.driver_internal_info()["clean_steps"]) order.push_back(s["step"]);
    // burnin_* belong to the agent's deploy interface too; burnin_disk is 0.
    EXPECT_EQ(order, (std::vector<std::string>{"erase_devices_metadata", "burnin_cpu", "erase_devices"}));
    for (int i = 0; i < 3; ++i) {
        agent.finish();
        auto out = d.heartbeat(t, {});
        ASSERT_EQ(out.action, i < 2 ? Action::keep_waiting : Action::done) << i << out.error;
    }
}

TEST_F(AgentDeployTest, ManualCleaningRunsTheRequestedStepsEvenDisabledOnes) {
    settings.erase_devices_priority = 0;
    deploy::AgentDeploy d(settings);
    json n = node(json::object(), "clean wait");
    n["target_provision_state"] = "manageable";
    auto t = task_for(n);
    d.clean(t, json::array({{{"interface", "deploy"}, {"step", "erase_devices"}, {"args", {{"passes", 2}}}}}));
    agent_booted(t);
    ASSERT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting);
    json params = agent.params_of("clean.execute_clean_step");
    EXPECT_EQ(params["step"]["step"], "erase_devices");
    EXPECT_EQ(params["step"]["args"], (json{{"passes", 2}}));
    agent.finish();
    EXPECT_EQ(d.heartbeat(t, {}).action, Action::done);

    // A step the agent does not have fails the clean.
    auto u = task_for(n);
    d.clean(u, json::array({{{"interface", "deploy"}, {"step", "format_everything"}}}));
    agent_booted(u);
    auto out = d.heartbeat(u, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_NE(out.error.find("does not support this clean step"), std::string::npos) << out.error;
}

TEST_F(AgentDeployTest, FailedCleanStepFailsWithTheAgentsMessage) {
    agent.on(
        "clean.execute_clean_step",
        {"FAILED", nullptr, {{"message", "Clean step failed"}, {"details", "shred: /dev/vda: Input/output error"}}});
    deploy::AgentDeploy d(settings);
    auto t = task_for(node(json::object(), "clean wait"));
    d.clean(t, nullptr);
    agent_booted(t);
    ASSERT_EQ(d.heartbeat(t, {}).action, Action::keep_waiting);
    agent.finish();
    auto out = d.heartbeat(t, {});
    ASSERT_EQ(out.action, Action::failed);
    EXPECT_EQ(out.error, std::string("Clean step deploy.erase_devices_metadata failed on node ") + kUuid +
                             ". shred: /dev/vda: Input/output error");
    EXPECT_EQ(t.node()["clean_step"], json::object());
}

TEST_F(AgentDeployTest, TheTokenIsSentOnEveryCallAndNeverLogged) {
    test::TempDir dir;
    const std::string log_path = dir.path() + "/agent.log";
    log::set_level(log::Level::debug);
    log::set_file(log_path);
    {
        deploy::AgentDeploy d(settings);
        auto t = task_for(node(whole_disk()));
        agent_booted(t);
        d.heartbeat(t, {});
        agent.finish();
        d.heartbeat(t, {});
        // And a refused one (wrong token): the error does not echo it.
        auto u = task_for(node(whole_disk()));
        agent_booted(u);
        u.driver_internal_info()["agent_secret_token"] = std::string(kToken) + "-wrong";
        auto out = d.heartbeat(u, {});
        EXPECT_EQ(out.action, Action::failed);
        EXPECT_EQ(out.error.find(kToken), std::string::npos) << out.error;
    }
    log::set_file("/dev/stderr");
    log::set_level(log::Level::error);
    std::ifstream in(log_path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_FALSE(text.str().empty()) << "debug logging was on";
    EXPECT_EQ(text.str().find(kToken), std::string::npos) << "the agent token leaked into the log";
    size_t with_token = 0;
    for (const auto& r : agent.requests()) with_token += r.token == kToken;
    EXPECT_GE(with_token, 4u);
}

TEST_F(AgentDeployTest, ValidationAsIronic) {
    deploy::AgentDeploy d(settings);
    auto missing = task_for(node(json::object()));
    try {
        d.validate(missing);
        ADD_FAILURE() << "image_source is required";
    } catch (const interfaces::MissingParameter& e) {
        EXPECT_EQ(std::string(e.what()), std::string("Node ") + kUuid +
                                             " failed to validate deploy image info. Some parameters were missing. "
                                             "Missing are: ['instance_info.image_source']");
    }
    auto no_checksum = task_for(node({{"image_source", "http://x/y.raw"}}));
    try {
        d.validate(no_checksum);
        ADD_FAILURE() << "a checksum is required for http images";
    } catch (const interfaces::MissingParameter& e) {
        EXPECT_NE(std::string(e.what()).find("image_source's \"image_checksum\", or \"image_os_hash_algo\" and "
                                             "\"image_os_hash_value\" must be provided in instance_info for node"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(d.validate(task_for(node({{"image_source", "http://x/y.raw"}, {"image_os_hash_algo", "sha256"}}))),
                 interfaces::MissingParameter);
    // A local image needs no checksum, but must be where
    // [conductor] file_url_allowed_paths allows (nowhere by default).
    EXPECT_THROW(d.validate(task_for(node({{"image_source", "file:///srv/y.raw"}}))), FileSourceRefused);
    // MD5 is refused unless [agent] allow_md5_checksum, whichever field says it.
    EXPECT_THROW(
        d.validate(task_for(node({{"image_source", "http://x/y.raw"}, {"image_checksum", std::string(32, 'a')}}))),
        interfaces::InvalidParameter);
    EXPECT_THROW(d.validate(task_for(node({{"image_source", "http://x/y.raw"},
                                           {"image_os_hash_algo", "md5"},
                                           {"image_os_hash_value", std::string(32, 'a')}}))),
                 interfaces::InvalidParameter);
    deploy::AgentDeploySettings md5_allowed;
    md5_allowed.allow_md5_checksum = true;
    EXPECT_NO_THROW(
        deploy::AgentDeploy(md5_allowed)
            .validate(task_for(node({{"image_source", "http://x/y.raw"}, {"image_checksum", std::string(32, 'a')}}))));
    EXPECT_THROW(d.validate(task_for(node({{"image_source", "file:///y"}, {"image_type", "lvm"}}))),
                 interfaces::InvalidParameter);
    EXPECT_THROW(d.validate(task_for(node({{"image_source", "file:///y"}, {"image_type", "partition"}}))),
                 interfaces::MissingParameter)
        << "a partition image needs root_gb";
}

}  // namespace
