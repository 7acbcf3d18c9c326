// The provision state machine against Ironic's table, written out here
// independently (from ironic/common/state_machine.py): every API verb in
// every state is either this transition or refused.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "conductor/state_machine.h"

using namespace ingot::conductor;

namespace {

const std::vector<std::string> kAllStates = {
    "enroll",          "verifying",   "manageable",  "available",    "deploying",      "wait call-back",
    "deploy failed",   "deploy hold", "active",      "deleting",     "cleaning",       "clean wait",
    "clean failed",    "clean hold",  "inspecting",  "inspect wait", "inspect failed", "adopting",
    "adopt failed",    "rescuing",    "rescue wait", "rescue",       "rescue failed",  "unrescuing",
    "unrescue failed", "error"};

// (state, API event) -> resulting state, for every allowed combination.
const std::map<std::pair<std::string, std::string>, std::string> kApiTransitions = {
    {{"enroll", "manage"}, "verifying"},
    {{"manageable", "provide"}, "cleaning"},
    {{"manageable", "clean"}, "cleaning"},
    {{"manageable", "inspect"}, "inspecting"},
    {{"manageable", "adopt"}, "adopting"},
    {{"manageable", "manage"}, "manageable"},
    {{"available", "deploy"}, "deploying"},
    {{"available", "manage"}, "manageable"},
    {{"wait call-back", "delete"}, "deleting"},
    {{"wait call-back", "abort"}, "deploy failed"},
    {{"deploy hold", "unhold"}, "wait call-back"},
    {{"deploy hold", "abort"}, "deploy failed"},
    {{"deploy failed", "rebuild"}, "deploying"},
    {{"deploy failed", "deploy"}, "deploying"},
    {{"deploy failed", "delete"}, "deleting"},
    {{"active", "rebuild"}, "deploying"},
    {{"active", "delete"}, "deleting"},
    {{"active", "rescue"}, "rescuing"},
    {{"error", "rebuild"}, "deploying"},
    {{"error", "delete"}, "deleting"},
    {{"clean wait", "abort"}, "clean failed"},
    {{"clean hold", "unhold"}, "clean wait"},
    {{"clean hold", "abort"}, "clean failed"},
    {{"clean failed", "manage"}, "manageable"},
    {{"inspect wait", "abort"}, "inspect failed"},
    {{"inspect failed", "manage"}, "manageable"},
    {{"inspect failed", "inspect"}, "inspecting"},
    {{"adopt failed", "adopt"}, "adopting"},
    {{"adopt failed", "manage"}, "manageable"},
    {{"rescue wait", "abort"}, "rescue failed"},
    {{"rescue wait", "delete"}, "deleting"},
    {{"rescue", "rescue"}, "rescuing"},
    {{"rescue", "unrescue"}, "unrescuing"},
    {{"rescue", "delete"}, "deleting"},
    {{"rescue failed", "rescue"}, "rescuing"},
    {{"rescue failed", "unrescue"}, "unrescuing"},
    {{"rescue failed", "delete"}, "deleting"},
    {{"unrescue failed", "rescue"}, "rescuing"},
    {{"unrescue failed", "unrescue"}, "unrescuing"},
    {{"unrescue failed", "delete"}, "deleting"},
    // Conductor events that share a verb's name; the API never reaches them
    // because a node in these transient states is locked (409).
    {{"deleting", "clean"}, "cleaning"},
    {{"cleaning", "manage"}, "manageable"},
};

}  // namespace

TEST(StateMachine, EveryApiEventInEveryStateMatchesIronic) {
    std::set<std::string> api_events;
    for (const auto& v : states::verbs()) api_events.insert(v.event);
    api_events.insert("unhold");
    int allowed = 0;
    for (const auto& state : kAllStates) {
        for (const auto& event : api_events) {
            auto expected = kApiTransitions.find({state, event});
            auto actual = states::next_state(state, event);
            if (expected == kApiTransitions.end()) {
                EXPECT_FALSE(actual.has_value()) << state << " + " << event << " should be refused, got " << *actual;
            } else {
                ASSERT_TRUE(actual.has_value()) << state << " + " << event << " should be allowed";
                EXPECT_EQ(*actual, expected->second) << state << " + " << event;
                ++allowed;
            }
        }
    }
    EXPECT_EQ(allowed, static_cast<int>(kApiTransitions.size()));
}

TEST(StateMachine, ConductorEventsDriveTransientStates) {
    EXPECT_EQ(states::next_state("verifying", "done"), "manageable");
    EXPECT_EQ(states::next_state("verifying", "fail"), "enroll");
    EXPECT_EQ(states::next_state("deploying", "wait"), "wait call-back");
    EXPECT_EQ(states::next_state("wait call-back", "resume"), "deploying");
    EXPECT_EQ(states::next_state("deploying", "done"), "active");
    EXPECT_EQ(states::next_state("deploying", "fail"), "deploy failed");
    EXPECT_EQ(states::next_state("deleting", "clean"), "cleaning");
    EXPECT_EQ(states::next_state("deleting", "fail"), "error");
    EXPECT_EQ(states::next_state("cleaning", "done"), "available");
    EXPECT_EQ(states::next_state("cleaning", "manage"), "manageable");
    EXPECT_EQ(states::next_state("cleaning", "wait"), "clean wait");
    EXPECT_EQ(states::next_state("clean wait", "fail"), "clean failed");
    EXPECT_EQ(states::next_state("inspecting", "done"), "manageable");
    EXPECT_EQ(states::next_state("adopting", "fail"), "adopt failed");
    EXPECT_EQ(states::next_state("unrescuing", "done"), "active");
    // Stable states have no conductor events.
    for (const auto& s : {"enroll", "manageable", "available", "active", "error"})
        for (const auto& e : {"done", "fail", "wait", "resume"})
            EXPECT_FALSE(states::next_state(s, e)) << s << " " << e;
}

TEST(StateMachine, StableStatesAndTargets) {
    for (const auto& s : kAllStates) {
        bool stable =
            s == "enroll" || s == "manageable" || s == "available" || s == "active" || s == "error" || s == "rescue";
        EXPECT_EQ(states::is_stable(s), stable) << s;
        if (stable) EXPECT_FALSE(states::target_of(s)) << s;
    }
    EXPECT_EQ(states::target_of("deploying"), "active");
    EXPECT_EQ(states::target_of("wait call-back"), "active");
    EXPECT_EQ(states::target_of("verifying"), "manageable");
    EXPECT_EQ(states::target_of("deleting"), "available");
    EXPECT_EQ(states::target_of("cleaning"), "available");
    EXPECT_EQ(states::target_of("cleaning", /*manual_clean=*/true), "manageable");
    EXPECT_EQ(states::target_of("rescuing"), "rescue");
    EXPECT_EQ(states::target_of("deploy failed"), "active");
    EXPECT_EQ(states::target_of("clean failed"), "available");
    EXPECT_EQ(states::target_of("inspect failed"), "manageable");
}

TEST(StateMachine, TakeoverFailsBusyStatesAndKeepsWaits) {
    EXPECT_EQ(states::failure_on_takeover("deploying"), "deploy failed");
    EXPECT_EQ(states::failure_on_takeover("cleaning"), "clean failed");
    EXPECT_EQ(states::failure_on_takeover("verifying"), "enroll");
    EXPECT_EQ(states::failure_on_takeover("deleting"), "error");
    EXPECT_EQ(states::failure_on_takeover("inspecting"), "inspect failed");
    EXPECT_FALSE(states::failure_on_takeover("wait call-back"));
    EXPECT_FALSE(states::failure_on_takeover("clean wait"));
    EXPECT_FALSE(states::failure_on_takeover("active"));
}

TEST(StateMachine, VerbsAndTheirMicroversions) {
    EXPECT_EQ(states::find_verb("active")->event, "deploy");
    EXPECT_EQ(states::find_verb("deploy")->since, 73);
    EXPECT_EQ(states::find_verb("undeploy")->event, "delete");
    EXPECT_EQ(states::find_verb("manage")->since, 4);
    EXPECT_EQ(states::find_verb("abort")->since, 13);
    EXPECT_EQ(states::find_verb("rescue")->since, 38);
    EXPECT_EQ(states::find_verb("unhold"), nullptr);  // 1.85, newer than we serve
    EXPECT_EQ(states::find_verb("sideways"), nullptr);
}
