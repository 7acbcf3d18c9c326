// Ironic's provision state machine as data (ironic/common/states.py and
// state_machine.py): states, whether each is stable, the target a transient
// state reports, and the transitions by event. API verbs map to events with
// the microversion that introduced them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ingot::conductor::states {

// State names as the API shows them.
inline const std::string kEnroll = "enroll", kVerifying = "verifying", kManageable = "manageable",
                         kAvailable = "available", kDeploying = "deploying", kDeployWait = "wait call-back",
                         kDeployFailed = "deploy failed", kDeployHold = "deploy hold", kActive = "active",
                         kDeleting = "deleting", kCleaning = "cleaning", kCleanWait = "clean wait",
                         kCleanFailed = "clean failed", kCleanHold = "clean hold", kInspecting = "inspecting",
                         kInspectWait = "inspect wait", kInspectFailed = "inspect failed", kAdopting = "adopting",
                         kAdoptFailed = "adopt failed", kRescuing = "rescuing", kRescueWait = "rescue wait",
                         kRescue = "rescue", kRescueFailed = "rescue failed", kUnrescuing = "unrescuing",
                         kUnrescueFailed = "unrescue failed", kError = "error";

struct Transition {
    std::string from;
    std::string event;
    std::string to;
};

// Every transition, API verbs' events and the conductor's internal ones
// (done, fail, wait, resume, hold).
const std::vector<Transition>& transitions();

// The state `event` leads to from `state`, if the machine allows it.
std::optional<std::string> next_state(const std::string& state, const std::string& event);

bool is_stable(const std::string& state);
// What target_provision_state shows while in `state`: null when stable, the
// aim of the operation in transient and failure states.
// Cleaning's target depends on whether the clean was manual.
std::optional<std::string> target_of(const std::string& state, bool manual_clean = false);

// The failure state a transient state falls into when its conductor dies
// (Ironic's STUCK_STATES_TREATED_AS_FAIL); nothing for wait/hold states,
// which survive a restart.
std::optional<std::string> failure_on_takeover(const std::string& state);

// API verbs (the `target` of PUT .../states/provision).
struct Verb {
    std::string name;   // "active", "deploy", "deleted", ...
    std::string event;  // "deploy", "delete", ...
    int since;          // microversion 1.x that introduced it
};
const std::vector<Verb>& verbs();
const Verb* find_verb(const std::string& name);

}  // namespace ingot::conductor::states
