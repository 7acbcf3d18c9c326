// The ipmitool command line, its environment, the reading of its answers
// and the classification of its errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "interfaces/power.h"
#include "power/ipmitool_command.h"
#include "power/ipmitool_driver_info.h"
#include "power/ipmitool_output.h"

using namespace ingot;
using namespace ingot::power;
using nlohmann::json;

namespace {

IpmiConnection parse(const json& info) {
    return parse_ipmitool_driver_info(interfaces::Task(json{{"uuid", "node-1"}, {"driver_info", info}}));
}

bool has_pair(const std::vector<std::string>& argv, const std::string& flag, const std::string& value) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == flag && argv[i + 1] == value) return true;
    return false;
}

bool has(const std::vector<std::string>& argv, const std::string& item) {
    return std::find(argv.begin(), argv.end(), item) != argv.end();
}

ProcessResult failed(const std::string& err, int code = 1) {
    ProcessResult r;
    r.exit_code = code;
    r.err = err;
    return r;
}

// What ipmitool 1.8.19 -v printed against ipmi_sim, verbatim.
const char* kWrongPassword =
    "Loading IANA PEN Registry...\n> RAKP 2 HMAC is invalid\nError: Unable to establish IPMI v2 / RMCP+ session\n";
const char* kWrongUser =
    "Loading IANA PEN Registry...\nRAKP 2 message indicates an error : unauthorized name\n"
    "Error: Unable to establish IPMI v2 / RMCP+ session\n";
const char* kNoAnswer =
    "Loading IANA PEN Registry...\nGet Auth Capabilities error\n"
    "Error issuing Get Channel Authentication Capabilities request\n"
    "Error: Unable to establish IPMI v2 / RMCP+ session\n";
const char* kLanWrongPassword =
    "Loading IANA PEN Registry...\nActivate Session command failed\nError: Unable to establish LAN session\n"
    "Error: Unable to establish IPMI v1.5 / RMCP session\n";
const char* kLanNoAnswer =
    "Loading IANA PEN Registry...\nGet Auth Capabilities command failed\nError: Unable to establish LAN session\n"
    "Error: Unable to establish IPMI v1.5 / RMCP session\n";

}  // namespace

TEST(IpmitoolArgv, LanplusWithCipherSuiteThreeByDefault) {
    auto c = parse({{"ipmi_address", "10.0.0.5"}, {"ipmi_username", "admin"}, {"ipmi_password", "s3cret!"}});
    auto argv = ipmitool_argv(c, IpmitoolSettings{}, {"power", "status"});
    EXPECT_EQ(argv.front(), "ipmitool");
    EXPECT_TRUE(has_pair(argv, "-I", "lanplus"));
    EXPECT_TRUE(has_pair(argv, "-H", "10.0.0.5"));
    EXPECT_TRUE(has_pair(argv, "-p", "623"));
    EXPECT_TRUE(has_pair(argv, "-L", "ADMINISTRATOR"));
    EXPECT_TRUE(has_pair(argv, "-U", "admin"));
    EXPECT_TRUE(has_pair(argv, "-C", "3"));
    EXPECT_TRUE(has_pair(argv, "-R", "1"));
    EXPECT_TRUE(has_pair(argv, "-N", "5"));
    EXPECT_TRUE(has(argv, "-E"));
    EXPECT_FALSE(has(argv, "-P"));
    EXPECT_FALSE(has(argv, "-f"));
    EXPECT_EQ(std::vector<std::string>(argv.end() - 2, argv.end()), (std::vector<std::string>{"power", "status"}));
    for (const auto& a : argv) EXPECT_EQ(a.find("s3cret"), std::string::npos) << a;
}

TEST(IpmitoolArgv, PasswordGoesThroughTheEnvironment) {
    auto env = ipmitool_env(parse({{"ipmi_address", "h"}, {"ipmi_password", "s3cret!"}}));
    EXPECT_EQ(env["IPMI_PASSWORD"], "s3cret!");
    EXPECT_EQ(env["IPMITOOL_PASSWORD"], "s3cret!");  // it wins over IPMI_PASSWORD if inherited
    // No password: both set, empty, so an inherited one is not used and
    // ipmitool does not prompt.
    auto none = ipmitool_env(parse({{"ipmi_address", "h"}}));
    EXPECT_EQ(none.at("IPMI_PASSWORD"), "");
    EXPECT_EQ(none.at("IPMITOOL_PASSWORD"), "");
}

TEST(IpmitoolArgv, Lan15HasNoCipherSuiteAndNullUserNoDashU) {
    auto c = parse({{"ipmi_address", "bmc.example.com"}, {"ipmi_protocol_version", "1.5"}, {"ipmi_port", "6230"}});
    auto argv = ipmitool_argv(c, IpmitoolSettings{}, {"power", "on"});
    EXPECT_TRUE(has_pair(argv, "-I", "lan"));
    EXPECT_TRUE(has_pair(argv, "-p", "6230"));
    EXPECT_FALSE(has(argv, "-C"));
    EXPECT_FALSE(has(argv, "-U"));
}

TEST(IpmitoolArgv, CipherSuitePrivilegeAndWaitFromSettings) {
    auto c = parse({{"ipmi_address", "h"}, {"ipmi_cipher_suite", 17}, {"ipmi_priv_level", "OPERATOR"}});
    IpmitoolSettings s;
    s.min_command_interval = std::chrono::seconds(0);
    auto argv = ipmitool_argv(c, s, {"power", "status"});
    EXPECT_TRUE(has_pair(argv, "-C", "17"));
    EXPECT_TRUE(has_pair(argv, "-L", "OPERATOR"));
    EXPECT_TRUE(has_pair(argv, "-N", "1"));  // never 0: that would not wait at all
}

TEST(IpmitoolArgv, SingleAndDualBridging) {
    auto single = ipmitool_argv(parse({{"ipmi_address", "h"},
                                       {"ipmi_bridging", "single"},
                                       {"ipmi_target_channel", "7"},
                                       {"ipmi_target_address", "0x72"},
                                       {"ipmi_transit_channel", "1"}}),  // ignored for single
                                IpmitoolSettings{}, {"power", "status"});
    EXPECT_TRUE(has_pair(single, "-b", "7"));
    EXPECT_TRUE(has_pair(single, "-t", "0x72"));
    EXPECT_FALSE(has(single, "-B"));
    EXPECT_FALSE(has(single, "-T"));
    EXPECT_FALSE(has(single, "-m"));

    auto dual = ipmitool_argv(parse({{"ipmi_address", "h"},
                                     {"ipmi_bridging", "dual"},
                                     {"ipmi_local_address", "0x20"},
                                     {"ipmi_target_channel", 7},
                                     {"ipmi_target_address", "0x72"},
                                     {"ipmi_transit_channel", "0"},
                                     {"ipmi_transit_address", "0x82"}}),
                              IpmitoolSettings{}, {"power", "status"});
    EXPECT_TRUE(has_pair(dual, "-m", "0x20"));
    EXPECT_TRUE(has_pair(dual, "-B", "0"));
    EXPECT_TRUE(has_pair(dual, "-T", "0x82"));
    EXPECT_TRUE(has_pair(dual, "-b", "7"));
    EXPECT_TRUE(has_pair(dual, "-t", "0x72"));

    auto none = ipmitool_argv(parse({{"ipmi_address", "h"}, {"ipmi_target_channel", "7"}}), IpmitoolSettings{},
                              {"power", "status"});
    EXPECT_FALSE(has(none, "-b"));  // bridging "no": bridging keys unused
}

TEST(IpmitoolDriverInfo, ValidationNamesTheKey) {
    auto error_of = [](const json& info) -> std::string {
        try {
            parse(info);
        } catch (const InvalidInput& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_NE(error_of(json::object()).find("Missing the following IPMI credentials in node's driver_info"),
              std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"}, {"ipmi_port", "0"}}).find("ipmi_port"), std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"}, {"ipmi_port", "x"}}).find("ipmi_port"), std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"}, {"ipmi_priv_level", "ROOT"}}).find("ipmi_priv_level"),
              std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"}, {"ipmi_protocol_version", "3"}}).find("ipmi_protocol_version"),
              std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"}, {"ipmi_protocol_version", "1.5"}, {"ipmi_cipher_suite", 3}})
                  .find("Cipher suites cannot be used with IPMI 1.5"),
              std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "-oops"}}).find("Invalid IPMI address"), std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "a b"}}).find("Invalid IPMI address"), std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"}, {"ipmi_bridging", "single"}, {"ipmi_target_channel", "1"}})
                  .find("ipmi_target_address is missing"),
              std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"},
                        {"ipmi_bridging", "single"},
                        {"ipmi_target_channel", "1"},
                        {"ipmi_target_address", "-t"}})
                  .find("ipmi_target_address"),
              std::string::npos);
    EXPECT_NE(error_of({{"ipmi_address", "h"}, {"ipmi_disable_boot_timeout", "maybe"}}).find("ipmi_disable_boot"),
              std::string::npos);
    EXPECT_EQ(error_of({{"ipmi_address", "fe80::1"}}), "");
    EXPECT_EQ(error_of({{"ipmi_address", "bmc-1.lab.example"}}), "");
}

TEST(IpmitoolDriverInfo, EndpointAndBootTimeoutDefault) {
    EXPECT_EQ(parse({{"ipmi_address", "10.0.0.5"}}).endpoint(), "10.0.0.5:623");
    EXPECT_EQ(parse({{"ipmi_address", "fe80::1"}, {"ipmi_port", 6230}}).endpoint(), "[fe80::1]:6230");
    interfaces::Task task(json{{"driver_info", {{"ipmi_address", "h"}}}});
    EXPECT_TRUE(parse_ipmitool_driver_info(task, true).disable_boot_timeout);
    EXPECT_FALSE(parse_ipmitool_driver_info(task, false).disable_boot_timeout);
    EXPECT_FALSE(parse({{"ipmi_address", "h"}, {"ipmi_disable_boot_timeout", "false"}}).disable_boot_timeout);
}

TEST(IpmitoolFailure, ClassifiesWhatIpmitoolSays) {
    EXPECT_EQ(classify_ipmitool_failure(failed(kWrongPassword)), IpmiFailure::auth);
    EXPECT_EQ(classify_ipmitool_failure(failed(kWrongUser)), IpmiFailure::auth);
    EXPECT_EQ(classify_ipmitool_failure(failed(kLanWrongPassword)), IpmiFailure::auth);
    EXPECT_EQ(classify_ipmitool_failure(failed(kNoAnswer)), IpmiFailure::no_answer);
    EXPECT_EQ(classify_ipmitool_failure(failed(kLanNoAnswer)), IpmiFailure::no_answer);
    EXPECT_EQ(classify_ipmitool_failure(failed("Error: Unable to establish IPMI v2 / RMCP+ session\n")),
              IpmiFailure::no_answer);
    EXPECT_EQ(
        classify_ipmitool_failure(failed("Error in open session response message : insufficient resources for session\n"
                                         "Error: Unable to establish IPMI v2 / RMCP+ session\n")),
        IpmiFailure::busy);
    EXPECT_EQ(classify_ipmitool_failure(failed("Set Chassis Power Control to Up/On failed: Node busy\n")),
              IpmiFailure::busy);
    EXPECT_EQ(classify_ipmitool_failure(failed("Get Chassis Power Status failed: Timeout\n")), IpmiFailure::busy);
    EXPECT_EQ(classify_ipmitool_failure(failed("BMC initialization in progress\n")), IpmiFailure::busy);
    EXPECT_EQ(classify_ipmitool_failure(failed("Set Chassis Power Control to Up/On failed: Out of space\n")),
              IpmiFailure::busy);
    EXPECT_EQ(
        classify_ipmitool_failure(failed("Set Chassis Power Control to Up/On failed: Insufficient privilege level\n")),
        IpmiFailure::privilege);
    EXPECT_EQ(
        classify_ipmitool_failure(failed("Error in open session response message : invalid authentication algorithm\n\n"
                                         "Error: Unable to establish IPMI v2 / RMCP+ session\n")),
        IpmiFailure::cipher_suite);
    EXPECT_EQ(classify_ipmitool_failure(failed("Invalid chassis command: frobnicate\n")), IpmiFailure::other);
    ProcessResult killed = failed("", 137);
    killed.timed_out = true;
    EXPECT_EQ(classify_ipmitool_failure(killed), IpmiFailure::timed_out);

    EXPECT_TRUE(retryable(IpmiFailure::busy));
    EXPECT_TRUE(retryable(IpmiFailure::no_answer));
    EXPECT_FALSE(retryable(IpmiFailure::auth));
    EXPECT_FALSE(retryable(IpmiFailure::privilege));
    EXPECT_FALSE(retryable(IpmiFailure::cipher_suite));
    EXPECT_FALSE(retryable(IpmiFailure::timed_out));
    EXPECT_FALSE(retryable(IpmiFailure::other));
}

TEST(IpmitoolFailure, ErrorTextDropsVerboseChatter) {
    EXPECT_EQ(ipmitool_error_text(kWrongPassword),
              "RAKP 2 HMAC is invalid; Error: Unable to establish IPMI v2 / RMCP+ session");
    EXPECT_EQ(ipmitool_error_text("Loading IANA PEN Registry...\n"
                                  "Running Get VSO Capabilities my_addr 0x20, transit 0, target 0x20\n"
                                  "Invalid completion code received: Invalid command\n"
                                  "Discovered IPMB address 0x0\n"
                                  "Set Chassis Power Control to Up/On failed: Node busy\n"),
              "Set Chassis Power Control to Up/On failed: Node busy");
    EXPECT_EQ(ipmitool_error_text(""), "");
    EXPECT_NE(failure_hint(IpmiFailure::auth).find("ipmi_password"), std::string::npos);
}

TEST(IpmitoolOutput, PowerStatus) {
    EXPECT_EQ(parse_power_status("Chassis Power is on\n"), std::optional<std::string>(interfaces::kPowerOn));
    EXPECT_EQ(parse_power_status("Chassis Power is off\n"), std::optional<std::string>(interfaces::kPowerOff));
    EXPECT_EQ(parse_power_status("Chassis Power is off"), std::optional<std::string>(interfaces::kPowerOff));
    EXPECT_FALSE(parse_power_status("").has_value());
    EXPECT_FALSE(parse_power_status("Chassis Power is unknown\n").has_value());
}

TEST(IpmitoolOutput, BootParameterFive) {
    // ipmi_sim's answer after `chassis bootdev pxe options=persistent`: it
    // keeps the device but drops the valid, persistent and UEFI bits.
    const std::string sim =
        "Boot parameter version: 1\n"
        "Boot parameter 5 is valid/unlocked\n"
        "Boot parameter data: 0004000000\n"
        " Boot Flags :\n"
        "   - Boot Flag Invalid\n"
        "   - Options apply to only next boot\n"
        "   - BIOS PC Compatible (legacy) boot \n"
        "   - Boot Device Selector : Force PXE\n"
        "   - BIOS verbosity : System Default\n";
    auto dev = parse_boot_parameter(sim);
    EXPECT_EQ(dev.device, "pxe");
    EXPECT_FALSE(dev.persistent);

    const std::string real =
        "Boot parameter data: e008000000\n"
        " Boot Flags :\n"
        "   - Boot Flag Valid\n"
        "   - Options apply to all future boots\n"
        "   - BIOS EFI boot \n"
        "   - Boot Device Selector : Force Boot from default Hard-Drive\n";
    dev = parse_boot_parameter(real);
    EXPECT_EQ(dev.device, "disk");
    EXPECT_TRUE(dev.persistent);

    EXPECT_EQ(parse_boot_parameter("   - Boot Device Selector : Force Boot from CD/DVD\n").device, "cdrom");
    EXPECT_EQ(parse_boot_parameter("   - Boot Device Selector : Force Boot into BIOS Setup\n").device, "bios");
    EXPECT_EQ(
        parse_boot_parameter("   - Boot Device Selector : Force Boot from default Hard-Drive, request Safe-Mode\n")
            .device,
        "safe");
    EXPECT_EQ(parse_boot_parameter("   - Boot Device Selector : No override\n").device, "");
    EXPECT_EQ(parse_boot_parameter("").device, "");
}
