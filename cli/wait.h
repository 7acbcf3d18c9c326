// `--wait [SECONDS]` for the commands that start a long node action
// (provisioning verbs, power), and the polling that follows the 202: GET the
// node until the action has settled, showing one progress line, then succeed
// or fail with one error line.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace ingot::cli {

using nlohmann::json;

class Session;

// What the user gave: absent, `--wait` alone (no limit, as `baremetal`'s
// `--wait` without a value) or `--wait SECONDS`.
struct WaitOption {
    bool given = false;
    std::string text;  // the value as typed; "0" when --wait came alone
};

// Adds `--wait [SECONDS]` to `cmd`.
void add_wait_option(CLI::App* cmd, WaitOption& wait);

// CLI11 gives `--wait` the word after it when that word is not an option,
// so `ingot node deploy --wait node-1` parses as --wait=node-1 and no node.
// This takes the word back as the node (and waits without limit). Then it
// checks that there is a node and that the wait is a number of seconds >= 0;
// UsageError otherwise. Returns the seconds (0 = no limit), or nullopt when
// --wait was not given.
std::optional<double> resolve_wait(WaitOption& wait, std::string& node);

// How a node looks while an action runs, as one poll sees it.
struct Observation {
    enum class Verdict { pending, reached, failed };
    Verdict verdict = Verdict::pending;
    std::string state;    // for the progress line: "deploying → active", "active"
    std::string failure;  // for Verdict::failed: the error line (without the node)
};

// Classifies one GET of the node (the fields in kWaitFields).
using Classifier = std::function<Observation(const json& node)>;

// The fields a poll asks for.
extern const char* const kWaitFields;

// Polls GET /v1/nodes/NODE (0.2 s apart, growing to 1 s) until `classify`
// says reached (returns 0) or failed, or `timeout_seconds` (0: none) pass;
// both failures throw std::runtime_error with one line that names the node,
// which main prints as "ingot: error: ..." and exits 1. `started` is when
// the action was requested (for the elapsed time shown). `goal` names what
// is awaited in the timeout message, e.g. "provision state \"active\"".
// On a terminal the progress line ("node-1: deploying → active (3.2 s)") is
// rewritten in place; otherwise one plain line is printed per change.
int wait_for_node(Session& session, const std::string& node, double timeout_seconds,
                  std::chrono::steady_clock::time_point started, const std::string& goal, const Classifier& classify);

// The classifier for a provisioning verb: reached when provision_state is
// `expected` with no target (for `abort`, expected is empty: any "... failed"
// state is the goal); failed when the node lands anywhere else, i.e. a
// "... failed" state or `error`, or a stable state that is not the goal
// (such as `enroll` after verifying failed).
Classifier provision_classifier(const std::string& expected);

// The classifier for a power action: reached when target_power_state is null
// and power_state is `expected` ("power on" / "power off") with no
// last_error; failed when the action settled otherwise.
Classifier power_classifier(const std::string& expected);

}  // namespace ingot::cli
