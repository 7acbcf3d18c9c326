#include "tests/e2e/deploy_timeline.h"

#include <cstdio>

namespace ingot::test {

DeployTimeline::DeployTimeline(ConsoleLog console, std::vector<std::string> markers)
    : console_(std::move(console)), markers_(std::move(markers)) {
    // Whatever the console held before the timeline began is not news.
    const std::string text = console_.text();
    for (const auto& m : markers_) {
        std::size_t n = 0;
        for (auto at = text.find(m); at != std::string::npos; at = text.find(m, at + m.size())) ++n;
        seen_[m] = n;
    }
}

double DeployTimeline::seconds() const {
    return std::chrono::duration<double>(Clock::now() - start_).count();
}

void DeployTimeline::note(const std::string& what) {
    events_.emplace_back(seconds(), what);
}

void DeployTimeline::poll(const nlohmann::json& node) {
    const double now = seconds();
    auto text_of = [&](const char* key) {
        return node.contains(key) && node[key].is_string() ? node[key].get<std::string>() : std::string("null");
    };
    const std::string state = "node: " + text_of("provision_state") + " (target " + text_of("target_provision_state") +
                              "), power " + text_of("power_state");
    if (state != state_) {
        events_.emplace_back(now, state);
        state_ = state;
    }
    const std::string text = console_.text();
    for (const auto& m : markers_) {
        std::size_t n = 0;
        for (auto at = text.find(m); at != std::string::npos; at = text.find(m, at + m.size())) ++n;
        for (std::size_t i = seen_[m]; i < n; ++i)
            events_.emplace_back(now, "console: " + m + (i > 0 ? " (#" + std::to_string(i + 1) + ")" : ""));
        seen_[m] = n;
    }
}

std::string DeployTimeline::report(const nlohmann::json& history) const {
    std::string out = "[ timeline ] seconds since the deploy request (test's clock, +/- 0.5 s):\n";
    char buf[32];
    for (const auto& [t, what] : events_) {
        std::snprintf(buf, sizeof buf, "%8.1f  ", t);
        out += buf + what + "\n";
    }
    out += "[ timeline ] node history (conductor's clock):\n";
    if (history.is_array()) {
        for (const auto& h : history)
            out += "  " + h.value("created_at", std::string("?")) + "  " + h.value("severity", std::string()) + " " +
                   h.value("event", std::string()) + "\n";
    }
    return out;
}

}  // namespace ingot::test
