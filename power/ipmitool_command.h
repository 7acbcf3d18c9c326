// One ipmitool command line and what its failure means: the argument vector
// (never holding the password, which goes through the environment with -E),
// and the classification of ipmitool's error output into what is worth a
// retry (a busy or silent BMC) and what is not (refused credentials).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/process.h"
#include "interfaces/base_interface.h"
#include "power/ipmitool_driver_info.h"

namespace ingot::power {

// The [ipmi] options.
struct IpmitoolSettings {
    // How long a command is retried while the BMC is busy or silent.
    std::chrono::seconds command_retry_timeout{60};
    // Pause between two commands to one BMC; also ipmitool's -N (at least 1 s).
    std::chrono::seconds min_command_interval{5};
    // Hard limit on one ipmitool process; it is killed afterwards.
    std::chrono::seconds command_timeout{30};
    // Default for nodes without driver_info ipmi_disable_boot_timeout.
    bool disable_boot_timeout = true;
    // Least pause before a retry, whatever min_command_interval says.
    std::chrono::milliseconds min_retry_pause{1000};
    std::string program = "ipmitool";
};

// Why an ipmitool run failed.
enum class IpmiFailure {
    busy,          // a completion code or message Ironic retries (BMC busy, out of space...)
    no_answer,     // the BMC did not answer (down, unreachable, wrong port)
    auth,          // the BMC refused the user name or password
    privilege,     // the user lacks the privilege, or ipmi_priv_level is above it
    cipher_suite,  // the BMC does not offer ipmi_cipher_suite
    timed_out,     // ipmitool did not finish within command_timeout and was killed
    other,         // anything else: the BMC refused the command
};

// Whether Ingot tries the command again (until command_retry_timeout):
// busy and no_answer. See ipmitool_command.cpp for how this follows Ironic.
bool retryable(IpmiFailure failure);

// The errors an ipmitool interface throws. what(): "IPMI <command> failed for
// node <uuid> at <address:port>: <ipmitool's error> (<hint>)".
class IpmiError : public interfaces::BmcError {
public:
    IpmiError(IpmiFailure failure, const std::string& message) : BmcError(message), failure_(failure) {}
    IpmiFailure failure() const { return failure_; }

private:
    IpmiFailure failure_;
};

// `ipmitool <options> <command...>`: -I lanplus/lan, -H, -p, -L, -U, -C (2.0
// only), the bridging options, -E (password from the environment), -v (so
// refused credentials can be told from a silent BMC), and one try per run
// (-R 1 -N <seconds>): Ingot does the retries.
std::vector<std::string> ipmitool_argv(const IpmiConnection& connection, const IpmitoolSettings& settings,
                                       const std::vector<std::string>& command);

// The environment ipmitool -E reads: both variables it knows (either could
// be inherited from the conductor's own environment), empty for no password.
std::map<std::string, std::string> ipmitool_env(const IpmiConnection& connection);

IpmiFailure classify_ipmitool_failure(const ProcessResult& result);

// ipmitool's error output without its verbose chatter, on one line.
std::string ipmitool_error_text(const std::string& stderr_text);

// A short explanation for the operator, e.g. "wrong ipmi_username or
// ipmi_password?"; empty when the error speaks for itself.
std::string failure_hint(IpmiFailure failure);

}  // namespace ingot::power
