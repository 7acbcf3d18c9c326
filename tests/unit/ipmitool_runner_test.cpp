// IpmitoolRunner (retries, error messages, secrets) and the ipmitool power
// and management interfaces, against a pretend ipmitool (no process runs).
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "common/strings.h"
#include "interfaces/power.h"
#include "power/ipmitool.h"
#include "power/ipmitool_runner.h"

using namespace ingot;
using namespace ingot::power;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

const char* kUuid = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";

struct Call {
    std::vector<std::string> argv;
    ProcessOptions options;
    // The ipmitool command: what follows the options (after -v).
    std::vector<std::string> command() const {
        auto v = std::find(argv.begin(), argv.end(), "-v");
        return {v + 1, argv.end()};
    }
};

ProcessResult ok(const std::string& out = "") {
    ProcessResult r;
    r.exit_code = 0;
    r.out = out;
    return r;
}

ProcessResult fail(const std::string& err) {
    ProcessResult r;
    r.exit_code = 1;
    r.err = err;
    return r;
}

const std::string kBusy = "Set Chassis Power Control to Up/On failed: Node busy\n";
const std::string kNoAnswer =
    "Get Auth Capabilities error\nError issuing Get Channel Authentication Capabilities request\n"
    "Error: Unable to establish IPMI v2 / RMCP+ session\n";
const std::string kWrongPassword = "> RAKP 2 HMAC is invalid\nError: Unable to establish IPMI v2 / RMCP+ session\n";

// A pretend ipmitool answering from a script of results, then `fallback`.
struct Scripted {
    std::deque<ProcessResult> results;
    ProcessResult fallback = ok();
    std::vector<Call> calls;

    IpmitoolRunner::Executor executor() {
        return [this](const std::vector<std::string>& argv, const ProcessOptions& o) {
            calls.push_back({argv, o});
            if (results.empty()) return fallback;
            auto r = results.front();
            results.pop_front();
            return r;
        };
    }
};

IpmiConnection connection(int port = 6230) {
    IpmiConnection c;
    c.address = "127.0.0.1";
    c.port = port;
    c.username = "admin";
    c.password = "Pa55-word";
    return c;
}

IpmitoolSettings fast_settings() {
    IpmitoolSettings s;
    s.min_command_interval = std::chrono::seconds(0);
    s.command_retry_timeout = std::chrono::seconds(2);
    s.command_timeout = std::chrono::seconds(7);
    s.min_retry_pause = std::chrono::milliseconds(20);
    return s;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// A pretend BMC behind the pretend ipmitool: power and boot flags.
struct FakeBmc {
    bool on = false;
    bool obeys = true;  // false: power commands are accepted but nothing happens
    std::vector<std::vector<std::string>> commands;

    IpmitoolRunner::Executor executor() {
        return [this](const std::vector<std::string>& argv, const ProcessOptions& o) {
            Call call{argv, o};
            auto cmd = call.command();
            commands.push_back(cmd);
            const std::string text = join(cmd, " ");
            if (text == "power status") return ok(on ? "Chassis Power is on\n" : "Chassis Power is off\n");
            if (text == "power on") {
                if (obeys) on = true;
                return ok("Chassis Power Control: Up/On\n");
            }
            if (text == "power off" || text == "power soft") {
                if (obeys) on = false;
                return ok("Chassis Power Control: Down/Off\n");
            }
            if (text == "chassis bootparam get 5")
                return ok("   - Options apply to all future boots\n   - Boot Device Selector : Force PXE\n");
            return ok();
        };
    }
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const auto& c : commands) out.push_back(join(c, " "));
        return out;
    }
};

interfaces::Task task_with(const json& extra = json::object()) {
    json node = {{"uuid", kUuid},
                 {"driver_info",
                  {{"ipmi_address", "127.0.0.1"},
                   {"ipmi_port", 6231},
                   {"ipmi_username", "admin"},
                   {"ipmi_password", "Pa55-word"}}}};
    node.update(extra);
    return interfaces::Task(node);
}

}  // namespace

TEST(IpmitoolRunner, SuccessReturnsStdoutAndKeepsThePasswordOffTheCommandLine) {
    BmcThrottle throttle;
    Scripted fake;
    fake.results = {ok("Chassis Power is on\n")};
    IpmitoolRunner runner(connection(), fast_settings(), kUuid, throttle, fake.executor());
    EXPECT_EQ(runner.run({"power", "status"}), "Chassis Power is on\n");
    ASSERT_EQ(fake.calls.size(), 1u);
    const auto& call = fake.calls[0];
    for (const auto& a : call.argv) EXPECT_EQ(a.find("Pa55-word"), std::string::npos) << a;
    EXPECT_EQ(call.options.extra_env.at("IPMI_PASSWORD"), "Pa55-word");
    EXPECT_EQ(call.options.secrets, std::vector<std::string>{"Pa55-word"});
    EXPECT_EQ(call.options.timeout, std::chrono::seconds(7));  // the hard limit on one process
    EXPECT_EQ(call.command(), (std::vector<std::string>{"power", "status"}));
}

TEST(IpmitoolRunner, WrongPasswordFailsAtOnceNamingTheBmc) {
    BmcThrottle throttle;
    Scripted fake;
    fake.fallback = fail(kWrongPassword);
    IpmitoolRunner runner(connection(), fast_settings(), kUuid, throttle, fake.executor());
    auto start = Clock::now();
    std::string msg;
    try {
        runner.run({"power", "status"});
    } catch (const IpmiError& e) {
        msg = e.what();
        EXPECT_EQ(e.failure(), IpmiFailure::auth);
    }
    EXPECT_EQ(fake.calls.size(), 1u);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
    EXPECT_EQ(msg, std::string("IPMI power status failed for node ") + kUuid +
                       " at 127.0.0.1:6230: RAKP 2 HMAC is invalid; Error: Unable to establish IPMI v2 / RMCP+ "
                       "session (wrong ipmi_username or ipmi_password?)");
    EXPECT_EQ(msg.find("Pa55-word"), std::string::npos);
}

TEST(IpmitoolRunner, BusyBmcIsRetried) {
    BmcThrottle throttle;
    Scripted fake;
    fake.results = {fail(kBusy), fail(kBusy), ok("done\n")};
    IpmitoolRunner runner(connection(), fast_settings(), kUuid, throttle, fake.executor());
    EXPECT_EQ(runner.run({"power", "on"}), "done\n");
    EXPECT_EQ(fake.calls.size(), 3u);
}

TEST(IpmitoolRunner, SilentBmcIsRetriedUntilTheRetryTimeout) {
    BmcThrottle throttle;
    Scripted fake;
    fake.fallback = fail(kNoAnswer);
    auto settings = fast_settings();
    settings.command_retry_timeout = std::chrono::seconds(1);
    settings.min_retry_pause = std::chrono::milliseconds(100);
    IpmitoolRunner runner(connection(), settings, kUuid, throttle, fake.executor());
    auto start = Clock::now();
    std::string msg = error_of([&] { runner.run({"power", "status"}); });
    auto took = Clock::now() - start;
    EXPECT_GE(took, std::chrono::milliseconds(1000));
    EXPECT_LT(took, std::chrono::milliseconds(1500));
    EXPECT_GE(fake.calls.size(), 5u);
    EXPECT_LE(fake.calls.size(), 12u);
    EXPECT_NE(msg.find("at 127.0.0.1:6230: Get Auth Capabilities error"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no answer"), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::to_string(fake.calls.size()) + " tries in 1."), std::string::npos) << msg;
}

TEST(IpmitoolRunner, KilledIpmitoolIsNotRetried) {
    BmcThrottle throttle;
    Scripted fake;
    ProcessResult killed;
    killed.exit_code = 137;
    killed.timed_out = true;
    fake.fallback = killed;
    IpmitoolRunner runner(connection(), fast_settings(), kUuid, throttle, fake.executor());
    std::string msg = error_of([&] { runner.run({"power", "status"}); });
    EXPECT_EQ(fake.calls.size(), 1u);
    EXPECT_NE(msg.find("ipmitool did not finish within 7 s and was killed"), std::string::npos) << msg;
}

TEST(IpmitoolRunner, MissingIpmitoolIsABmcError) {
    BmcThrottle throttle;
    IpmitoolRunner runner(connection(), fast_settings(), kUuid, throttle,
                          [](const std::vector<std::string>&, const ProcessOptions&) -> ProcessResult {
                              throw Error("cannot run ipmitool: No such file or directory");
                          });
    try {
        runner.run({"power", "status"});
        FAIL() << "no error";
    } catch (const interfaces::BmcError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot run ipmitool"), std::string::npos);
    }
}

TEST(IpmitoolPowerInterface, PowerOnWaitsForTheBmcToReportIt) {
    FakeBmc bmc;
    IpmitoolPower power(fast_settings(), bmc.executor());
    auto task = task_with();
    EXPECT_EQ(power.get_power_state(task), interfaces::kPowerOff);
    power.set_power_state(task, interfaces::kPowerOn, std::chrono::seconds(5));
    EXPECT_TRUE(bmc.on);
    EXPECT_EQ(bmc.texts(), (std::vector<std::string>{"power status", "power on", "power status"}));
    power.set_power_state(task, interfaces::kSoftPowerOff, std::chrono::seconds(5));
    EXPECT_FALSE(bmc.on);
    EXPECT_EQ(bmc.texts()[3], "power soft");
}

TEST(IpmitoolPowerInterface, RebootIsOffThenOnAsInIronic) {
    FakeBmc bmc;
    bmc.on = true;
    IpmitoolPower power(fast_settings(), bmc.executor());
    auto task = task_with();
    power.reboot(task, std::chrono::seconds(5));
    EXPECT_TRUE(bmc.on);
    EXPECT_EQ(bmc.texts(),
              (std::vector<std::string>{"power status", "power off", "power status", "power on", "power status"}));
    // From off: no "power off" (some BMCs refuse it).
    bmc.commands.clear();
    bmc.on = false;
    power.reboot(task, std::chrono::seconds(5));
    EXPECT_EQ(bmc.texts(), (std::vector<std::string>{"power status", "power on", "power status"}));
}

TEST(IpmitoolPowerInterface, TimeoutNamesTheStateTheMachineStayedIn) {
    FakeBmc bmc;
    bmc.obeys = false;
    IpmitoolPower power(fast_settings(), bmc.executor());
    auto task = task_with();
    auto start = Clock::now();
    std::string msg = error_of([&] { power.set_power_state(task, interfaces::kPowerOn, std::chrono::seconds(1)); });
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(msg, std::string("Timed out after 1 s waiting for node ") + kUuid +
                       " to reach \"power on\": its BMC at 127.0.0.1:6231 still reports \"power off\"");
}

TEST(IpmitoolPowerInterface, SupportsSoftStates) {
    IpmitoolPower power;
    auto states = power.supported_power_states(task_with());
    EXPECT_NE(std::find(states.begin(), states.end(), interfaces::kSoftRebooting), states.end());
    EXPECT_NE(std::find(states.begin(), states.end(), interfaces::kSoftPowerOff), states.end());
    FakeBmc bmc;
    bmc.on = true;
    IpmitoolPower p(fast_settings(), bmc.executor());
    auto task = task_with();
    p.set_power_state(task, interfaces::kSoftRebooting, std::chrono::seconds(5));
    EXPECT_EQ(bmc.texts(), (std::vector<std::string>{"power soft", "power status", "power on", "power status"}));
}

TEST(IpmitoolManagementInterface, BootDeviceUefiByDefaultAfterDisablingTheTimeout) {
    FakeBmc bmc;
    IpmitoolManagement m(fast_settings(), bmc.executor());
    auto task = task_with();
    m.set_boot_device(task, "pxe", true);
    EXPECT_EQ(bmc.texts(),
              (std::vector<std::string>{"raw 0x00 0x08 0x03 0x08", "chassis bootdev pxe options=persistent,efiboot"}));
}

TEST(IpmitoolManagementInterface, BiosModeFromCapabilitiesOrInstanceInfo) {
    FakeBmc bmc;
    auto settings = fast_settings();
    settings.disable_boot_timeout = false;
    IpmitoolManagement m(settings, bmc.executor());
    auto bios = task_with({{"properties", {{"capabilities", "boot_mode:bios,foo:bar"}}}});
    m.set_boot_device(bios, "disk", false);
    auto instance = task_with({{"instance_info", {{"deploy_boot_mode", "bios"}}}});
    m.set_boot_device(instance, "cdrom", true);
    auto uefi = task_with({{"properties", {{"capabilities", "boot_mode:uefi"}}}});
    m.set_boot_device(uefi, "bios", false);
    EXPECT_EQ(bmc.texts(), (std::vector<std::string>{"chassis bootdev disk", "chassis bootdev cdrom options=persistent",
                                                     "chassis bootdev bios options=efiboot"}));
}

TEST(IpmitoolManagementInterface, NodeCanKeepTheBootTimeout) {
    FakeBmc bmc;
    IpmitoolManagement m(fast_settings(), bmc.executor());
    auto task = task_with();
    task.node()["driver_info"]["ipmi_disable_boot_timeout"] = false;
    m.set_boot_device(task, "pxe", false);
    EXPECT_EQ(bmc.texts(), (std::vector<std::string>{"chassis bootdev pxe options=efiboot"}));
}

TEST(IpmitoolManagementInterface, GetBootDeviceAndRefusals) {
    FakeBmc bmc;
    IpmitoolManagement m(fast_settings(), bmc.executor());
    auto task = task_with();
    auto dev = m.get_boot_device(task);
    EXPECT_EQ(dev.device, "pxe");
    EXPECT_TRUE(dev.persistent);
    EXPECT_THROW(m.set_boot_device(task, "floppy", false), interfaces::InvalidParameter);
    EXPECT_EQ(bmc.texts(), std::vector<std::string>{"chassis bootparam get 5"});
    EXPECT_EQ(m.get_supported_boot_devices(task), (std::vector<std::string>{"pxe", "disk", "cdrom", "bios", "safe"}));
}
