// Runs ipmitool commands for one node: each through the process runner with
// a hard timeout, one at a time per BMC and spaced by min_command_interval
// (BmcThrottle), retried while the BMC is busy or silent until
// command_retry_timeout, and turned into an IpmiError that names the node,
// the BMC and what ipmitool said.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/process.h"
#include "power/bmc_throttle.h"
#include "power/ipmitool_command.h"

namespace ingot::power {

class IpmitoolRunner {
public:
    // How a process is run; run_process unless a test replaces it.
    using Executor = std::function<ProcessResult(const std::vector<std::string>&, const ProcessOptions&)>;

    IpmitoolRunner(IpmiConnection connection, IpmitoolSettings settings, std::string node_uuid,
                   BmcThrottle& throttle = BmcThrottle::global(), Executor executor = run_process);

    // Runs `ipmitool <options> <command...>` and returns its standard output;
    // throws IpmiError.
    std::string run(const std::vector<std::string>& command);

    const IpmiConnection& connection() const { return connection_; }
    const std::string& node_uuid() const { return node_uuid_; }
    // "for node <uuid> at <address:port>", for messages.
    std::string where() const;

private:
    IpmiConnection connection_;
    IpmitoolSettings settings_;
    std::string node_uuid_;
    BmcThrottle& throttle_;
    Executor executor_;
};

}  // namespace ingot::power
