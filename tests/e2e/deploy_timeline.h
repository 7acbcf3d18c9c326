// What happened when during an e2e deploy, for the test's output (never for
// assertions: TCG timings vary with the host's load). The test calls poll()
// as it waits; each call records the node's state when it changed and each
// new occurrence of a console marker, in seconds since the timeline began
// (as precise as the polling, about half a second). report() adds the
// node's own history from the API, whose times are the conductor's.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/support/qemu_vm.h"

namespace ingot::test {

class DeployTimeline {
public:
    DeployTimeline(ConsoleLog console, std::vector<std::string> markers);

    // Records `node`'s provision_state (and power_state) when they changed
    // since the last call, and console markers seen since then.
    void poll(const nlohmann::json& node);
    // A line of the test's own ("instance up (2nd boot)").
    void note(const std::string& what);
    double seconds() const;

    // The timeline, then `history` (GET /v1/nodes/{uuid}/history's list).
    std::string report(const nlohmann::json& history) const;

private:
    using Clock = std::chrono::steady_clock;
    ConsoleLog console_;
    std::vector<std::string> markers_;
    std::map<std::string, std::size_t> seen_;  // marker -> occurrences so far
    std::string state_;
    Clock::time_point start_ = Clock::now();
    std::vector<std::pair<double, std::string>> events_;
};

}  // namespace ingot::test
