#include "conductor/state_machine.h"

#include <algorithm>

namespace ingot::conductor::states {

const std::vector<Transition>& transitions() {
    static const std::vector<Transition> t = {
        {kEnroll, "manage", kVerifying},
        {kVerifying, "done", kManageable},
        {kVerifying, "fail", kEnroll},
        {kManageable, "provide", kCleaning},
        {kManageable, "clean", kCleaning},
        {kManageable, "inspect", kInspecting},
        {kManageable, "adopt", kAdopting},
        {kManageable, "manage", kManageable},  // no-op, as Ironic allows
        {kAvailable, "deploy", kDeploying},
        {kAvailable, "manage", kManageable},
        {kDeploying, "done", kActive},
        {kDeploying, "wait", kDeployWait},
        {kDeploying, "hold", kDeployHold},
        {kDeploying, "fail", kDeployFailed},
        {kDeployWait, "resume", kDeploying},
        {kDeployWait, "hold", kDeployHold},
        {kDeployWait, "fail", kDeployFailed},
        {kDeployWait, "delete", kDeleting},
        {kDeployWait, "abort", kDeployFailed},  // Ironic API 1.110; every version here
        {kDeployHold, "unhold", kDeployWait},
        {kDeployHold, "abort", kDeployFailed},
        {kDeployFailed, "rebuild", kDeploying},
        {kDeployFailed, "deploy", kDeploying},
        {kDeployFailed, "delete", kDeleting},
        {kActive, "rebuild", kDeploying},
        {kActive, "delete", kDeleting},
        {kActive, "rescue", kRescuing},
        {kError, "rebuild", kDeploying},
        {kError, "delete", kDeleting},
        {kDeleting, "clean", kCleaning},
        {kDeleting, "fail", kError},
        {kCleaning, "done", kAvailable},
        {kCleaning, "manage", kManageable},
        {kCleaning, "wait", kCleanWait},
        {kCleaning, "hold", kCleanHold},
        {kCleaning, "fail", kCleanFailed},
        {kCleanWait, "resume", kCleaning},
        {kCleanWait, "hold", kCleanHold},
        {kCleanWait, "fail", kCleanFailed},
        {kCleanWait, "abort", kCleanFailed},
        {kCleanHold, "unhold", kCleanWait},
        {kCleanHold, "abort", kCleanFailed},
        {kCleanFailed, "manage", kManageable},
        {kInspecting, "done", kManageable},
        {kInspecting, "wait", kInspectWait},
        {kInspecting, "fail", kInspectFailed},
        {kInspectWait, "done", kManageable},
        {kInspectWait, "resume", kInspecting},
        {kInspectWait, "fail", kInspectFailed},
        {kInspectWait, "abort", kInspectFailed},
        {kInspectFailed, "manage", kManageable},
        {kInspectFailed, "inspect", kInspecting},
        {kAdopting, "done", kActive},
        {kAdopting, "fail", kAdoptFailed},
        {kAdoptFailed, "adopt", kAdopting},
        {kAdoptFailed, "manage", kManageable},
        {kRescuing, "done", kRescue},
        {kRescuing, "wait", kRescueWait},
        {kRescuing, "fail", kRescueFailed},
        {kRescueWait, "resume", kRescuing},
        {kRescueWait, "fail", kRescueFailed},
        {kRescueWait, "abort", kRescueFailed},
        {kRescueWait, "delete", kDeleting},
        {kRescue, "rescue", kRescuing},
        {kRescue, "unrescue", kUnrescuing},
        {kRescue, "delete", kDeleting},
        {kRescueFailed, "rescue", kRescuing},
        {kRescueFailed, "unrescue", kUnrescuing},
        {kRescueFailed, "delete", kDeleting},
        {kUnrescuing, "done", kActive},
        {kUnrescuing, "fail", kUnrescueFailed},
        {kUnrescueFailed, "rescue", kRescuing},
        {kUnrescueFailed, "unrescue", kUnrescuing},
        {kUnrescueFailed, "delete", kDeleting},
    };
    return t;
}

std::optional<std::string> next_state(const std::string& state, const std::string& event) {
    for (const auto& t : transitions())
        if (t.from == state && t.event == event) return t.to;
    return std::nullopt;
}

bool is_stable(const std::string& state) {
    static const std::vector<std::string> stable = {kEnroll, kManageable, kAvailable, kActive, kError, kRescue};
    return std::find(stable.begin(), stable.end(), state) != stable.end();
}

std::optional<std::string> target_of(const std::string& state, bool manual_clean) {
    if (state == kVerifying || state == kInspecting || state == kInspectWait || state == kAdopting)
        return state == kAdopting ? kActive : kManageable;
    if (state == kDeploying || state == kDeployWait || state == kDeployHold) return kActive;
    if (state == kDeleting) return kAvailable;
    if (state == kCleaning || state == kCleanWait || state == kCleanHold)
        return manual_clean ? kManageable : kAvailable;
    if (state == kRescuing || state == kRescueWait) return kRescue;
    if (state == kUnrescuing) return kActive;
    // Failure states keep the target of what failed, as Ironic's machine does.
    if (state == kDeployFailed || state == kAdoptFailed || state == kUnrescueFailed) return kActive;
    if (state == kCleanFailed) return kAvailable;
    if (state == kInspectFailed) return kManageable;
    if (state == kRescueFailed) return kRescue;
    return std::nullopt;
}

std::optional<std::string> failure_on_takeover(const std::string& state) {
    if (state == kDeploying) return kDeployFailed;
    if (state == kCleaning) return kCleanFailed;
    if (state == kVerifying) return kEnroll;
    if (state == kInspecting) return kInspectFailed;
    if (state == kAdopting) return kAdoptFailed;
    if (state == kRescuing) return kRescueFailed;
    if (state == kUnrescuing) return kUnrescueFailed;
    if (state == kDeleting) return kError;
    return std::nullopt;
}

const std::vector<Verb>& verbs() {
    static const std::vector<Verb> v = {
        {"active", "deploy", 1},      {"deploy", "deploy", 73}, {"rebuild", "rebuild", 1}, {"deleted", "delete", 1},
        {"undeploy", "delete", 73},   {"manage", "manage", 4},  {"provide", "provide", 4}, {"inspect", "inspect", 6},
        {"abort", "abort", 13},       {"clean", "clean", 15},   {"adopt", "adopt", 17},    {"rescue", "rescue", 38},
        {"unrescue", "unrescue", 38},
    };
    return v;
}

const Verb* find_verb(const std::string& name) {
    for (const auto& v : verbs())
        if (v.name == name) return &v;
    return nullptr;
}

}  // namespace ingot::conductor::states
