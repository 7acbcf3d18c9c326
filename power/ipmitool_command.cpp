#include "power/ipmitool_command.h"

#include <algorithm>

#include "common/strings.h"

namespace ingot::power {
namespace {

bool contains_any(const std::string& text, std::initializer_list<const char*> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](const char* n) { return text.find(n) != std::string::npos; });
}

// What -v adds to every run, success or not; it says nothing about a failure.
bool chatter(const std::string& line) {
    return starts_with(line, "Loading IANA PEN Registry") || starts_with(line, "Running Get VSO Capabilities") ||
           starts_with(line, "Discovered IPMB address") || starts_with(line, "Get HPM.x Capabilities") ||
           starts_with(line, "RAW REQ") || starts_with(line, "RAW RSP") || starts_with(line, " ") ||
           line == "Invalid completion code received: Invalid command";
}

}  // namespace

bool retryable(IpmiFailure failure) {
    // Ironic retries the messages in IPMITOOL_RETRYABLE_FAILURES (busy) and,
    // with its default use_ipmitool_retries=False, every other ipmitool
    // failure too, which includes "Unable to establish IPMI v2 / RMCP+
    // session" from a BMC that does not answer. Ingot retries those two, but
    // not a failure the BMC answered with (refused credentials or privilege,
    // an unknown cipher suite, a refused command): the answer would be the
    // same in a second and the operator should see it at once. A killed
    // ipmitool (command_timeout) is not retried either, as Ironic does not
    // retry a command that ran into its kill_on_timeout.
    return failure == IpmiFailure::busy || failure == IpmiFailure::no_answer;
}

std::vector<std::string> ipmitool_argv(const IpmiConnection& c, const IpmitoolSettings& settings,
                                       const std::vector<std::string>& command) {
    const bool lanplus = c.protocol_version != "1.5";
    std::vector<std::string> argv = {settings.program, "-I", lanplus ? "lanplus" : "lan", "-H",
                                     c.address,        "-p", std::to_string(c.port),      "-L",
                                     c.priv_level};
    if (!c.username.empty()) argv.insert(argv.end(), {"-U", c.username});
    // Without -C, ipmitool 1.8.19 first asks for the BMC's cipher suites and
    // defaults to 17, which many BMCs (and ipmi_sim) lack: 10 s lost.
    if (lanplus) argv.insert(argv.end(), {"-C", std::to_string(c.cipher_suite)});
    const std::pair<const char*, const std::string*> bridging[] = {{"-m", &c.local_address},
                                                                   {"-B", &c.transit_channel},
                                                                   {"-T", &c.transit_address},
                                                                   {"-b", &c.target_channel},
                                                                   {"-t", &c.target_address}};
    for (const auto& [flag, value] : bridging)
        if (!value->empty()) argv.insert(argv.end(), {flag, *value});
    // One try per run, each message waiting -N seconds for its answer.
    const auto wait = std::max<long long>(1, settings.min_command_interval.count());
    argv.insert(argv.end(), {"-R", "1", "-N", std::to_string(wait), "-E", "-v"});
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
}

std::map<std::string, std::string> ipmitool_env(const IpmiConnection& c) {
    return {{"IPMI_PASSWORD", c.password}, {"IPMITOOL_PASSWORD", c.password}};
}

IpmiFailure classify_ipmitool_failure(const ProcessResult& r) {
    if (r.timed_out) return IpmiFailure::timed_out;
    const std::string& e = r.err;
    // Ironic's IPMITOOL_RETRYABLE_FAILURES, the same substrings.
    if (contains_any(e, {"insufficient resources for session", "Node busy", "Timeout", "Out of space",
                         "BMC initialization in progress"}))
        return IpmiFailure::busy;
    if (contains_any(e, {"invalid role", "Insufficient privilege level", "Requested privilege level exceeds",
                         "exceeds privilege level", "privilege level not available"}))
        return IpmiFailure::privilege;
    if (contains_any(e, {"RAKP 2 HMAC is invalid", "RAKP 4 HMAC is invalid", "RAKP 2 message indicates an error",
                         "RAKP 4 message indicates an error", "unauthorized name", "Invalid user name",
                         "Activate Session command failed", "Activate Session error", "invalid integrity check value",
                         "Authentication type"}))
        return IpmiFailure::auth;
    if (contains_any(
            e, {"invalid authentication algorithm", "invalid integrity algorithm", "invalid confidentiality algorithm",
                "no matching cipher suite", "Unsupported cipher suite", "Invalid cipher suite"}))
        return IpmiFailure::cipher_suite;
    if (contains_any(e, {"No response from remote controller", "Get Auth Capabilities", "Get Channel Authentication",
                         "Unable to establish IPMI v2 / RMCP+ session", "Unable to establish IPMI v1.5 / RMCP session",
                         "Unable to establish LAN session"}))
        return IpmiFailure::no_answer;
    return IpmiFailure::other;
}

std::string ipmitool_error_text(const std::string& stderr_text) {
    std::vector<std::string> kept;
    for (const auto& raw : split(stderr_text, '\n')) {
        if (raw.empty() || chatter(raw)) continue;
        std::string line = trim(raw);
        if (starts_with(line, "> ")) line = line.substr(2);  // "> RAKP 2 HMAC is invalid"
        if (!line.empty() && std::find(kept.begin(), kept.end(), line) == kept.end()) kept.push_back(line);
    }
    std::string text = join(kept, "; ");
    if (text.size() > 400) text = text.substr(0, 397) + "...";
    return text;
}

std::string failure_hint(IpmiFailure failure) {
    switch (failure) {
        case IpmiFailure::auth:
            return "wrong ipmi_username or ipmi_password?";
        case IpmiFailure::privilege:
            return "ipmi_priv_level above what this user may do?";
        case IpmiFailure::cipher_suite:
            return "the BMC does not offer ipmi_cipher_suite; 3 and 17 are the usual ones";
        case IpmiFailure::no_answer:
            return "no answer: is the BMC up and ipmi_address/ipmi_port right?";
        case IpmiFailure::busy:
            return "the BMC stayed busy";
        case IpmiFailure::timed_out:
        case IpmiFailure::other:
            break;
    }
    return "";
}

}  // namespace ingot::power
