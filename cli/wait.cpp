#include "cli/wait.h"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "cli/node_common.h"
#include "cli/session.h"
#include "common/strings.h"

namespace ingot::cli {
namespace {

using Clock = std::chrono::steady_clock;
using Verdict = Observation::Verdict;

std::optional<double> parse_seconds(const std::string& text) {
    try {
        size_t used = 0;
        double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v) && v >= 0) return v;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::string text_of(const json& node, const char* key) {
    auto it = node.find(key);
    return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// The one progress line. On a terminal each update rewrites it ("\r", then
// the text, then erase to the end of the line); elsewhere (a pipe, a log) a
// line is printed only when the state part changes, so the output stays short
// and stable.
class Progress {
public:
    explicit Progress(std::string node) : node_(std::move(node)), tty_(::isatty(STDOUT_FILENO) == 1) {}

    void update(const std::string& state, double elapsed) {
        if (tty_) {
            std::cout << "\r" << line(state, elapsed) << "\x1b[K" << std::flush;
            open_ = true;
        } else if (state != last_state_) {
            std::cout << line(state, elapsed) << "\n" << std::flush;
        }
        last_state_ = state;
    }

    // The final state, always on a line of its own.
    void finish(const std::string& state, double elapsed) {
        if (tty_) {
            std::cout << "\r" << line(state, elapsed) << "\x1b[K\n" << std::flush;
            open_ = false;
        } else if (state != last_state_) {
            std::cout << line(state, elapsed) << "\n" << std::flush;
        }
        last_state_ = state;
    }

    // Ends a half-written terminal line so an error message starts clean.
    void close() {
        if (open_) std::cout << "\n" << std::flush;
        open_ = false;
    }

private:
    std::string line(const std::string& state, double elapsed) const {
        return node_ + ": " + state + " (" + seconds_text(elapsed) + ")";
    }

    std::string node_;
    bool tty_;
    bool open_ = false;
    std::string last_state_;
};

bool is_failure_state(const std::string& state) {
    return ends_with(state, " failed") || state == "error";
}

}  // namespace

const char* const kWaitFields = "provision_state,target_provision_state,power_state,target_power_state,last_error";

void add_wait_option(CLI::App* cmd, WaitOption& wait) {
    cmd->add_option("--wait", wait.text,
                    "Wait until the action has finished, at most SECONDS (none or 0: no limit); "
                    "exits 1 if the node ends up in a failure state or time runs out")
        ->expected(0, 1)
        ->default_str("0")
        ->type_name("[SECONDS]")
        ->each([&wait](const std::string&) { wait.given = true; });
}

std::optional<double> resolve_wait(WaitOption& wait, std::string& node) {
    if (!wait.given && wait.text.empty()) {
        if (node.empty()) throw UsageError("a node (UUID or name) is required");
        return std::nullopt;
    }
    wait.given = true;
    auto seconds = parse_seconds(wait.text);
    if (!seconds && node.empty()) {
        // `--wait NODE`: the word was the node, and --wait had no value.
        node = wait.text;
        wait.text = "0";
        seconds = 0.0;
    }
    if (node.empty()) throw UsageError("a node (UUID or name) is required");
    if (!seconds)
        throw UsageError("--wait: \"" + wait.text + "\" is not a number of seconds (use --wait alone for no limit)");
    return seconds;
}

int wait_for_node(Session& session, const std::string& node, double timeout_seconds, Clock::time_point started,
                  const std::string& goal, const Classifier& classify) {
    Progress progress(node);
    const std::string path = node_path(node) + "?fields=" + kWaitFields;
    const bool limited = timeout_seconds > 0;
    const auto deadline =
        started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_seconds));
    double interval = 0.2;
    std::string last_state;
    try {
        while (true) {
            json current = session.api().get(path);
            Observation seen = classify(current.is_object() ? current : json::object());
            last_state = seen.state;
            const double elapsed = seconds_since(started);
            if (seen.verdict == Verdict::reached) {
                progress.finish(seen.state, elapsed);
                return 0;
            }
            if (seen.verdict == Verdict::failed) {
                progress.finish(seen.state, elapsed);
                throw std::runtime_error(node + ": " + seen.failure);
            }
            progress.update(seen.state, elapsed);
            auto pause = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval));
            if (limited) {
                const auto now = Clock::now();
                if (now >= deadline) {
                    progress.close();
                    throw std::runtime_error(node + ": timed out after " + seconds_text(timeout_seconds) +
                                             " waiting for " + goal + " (now " + seen.state + ")");
                }
                // One last look exactly at the deadline rather than after it.
                pause = std::min(pause, deadline - now);
            }
            std::this_thread::sleep_for(pause);
            interval = std::min(1.0, interval * 1.5);
        }
    } catch (...) {
        progress.close();
        throw;
    }
}

Classifier provision_classifier(const std::string& expected) {
    return [expected](const json& node) {
        Observation o;
        const std::string state = text_of(node, "provision_state");
        const std::string target = text_of(node, "target_provision_state");
        const std::string error = text_of(node, "last_error");
        const std::string shown = state.empty() ? "None" : state;
        // Failure states keep the target of what failed; show where it stopped.
        o.state = target.empty() || is_failure_state(state) ? shown : shown + " → " + target;
        const bool settled = target.empty();
        if (expected.empty()) {  // abort: its goal is the failure state
            if (ends_with(state, " failed"))
                o.verdict = Verdict::reached;
            else if (settled && !state.empty() && state != "deleting") {
                o.verdict = Verdict::failed;
                o.failure =
                    "ended in \"" + shown + "\", not a failed state, after abort" + (error.empty() ? "" : ": " + error);
            }
            return o;
        }
        if (state == expected && settled) {
            o.verdict = Verdict::reached;
        } else if (is_failure_state(state) || (settled && state != expected)) {
            o.verdict = Verdict::failed;
            o.failure = "ended in \"" + shown + "\" instead of \"" + expected +
                        "\": " + (error.empty() ? "the conductor recorded no error (last_error is empty)" : error);
        }
        return o;
    };
}

Classifier power_classifier(const std::string& expected) {
    return [expected](const json& node) {
        Observation o;
        const std::string power = text_of(node, "power_state");
        const std::string target = text_of(node, "target_power_state");
        const std::string error = text_of(node, "last_error");
        const std::string shown = power.empty() ? "None" : power;
        o.state = target.empty() ? shown : shown + " → " + target;
        if (!target.empty()) return o;
        if (!error.empty()) {
            o.verdict = Verdict::failed;
            o.failure = error;
        } else if (power != expected) {
            o.verdict = Verdict::failed;
            o.failure = "power state is \"" + shown + "\" instead of \"" + expected + "\"";
        } else {
            o.verdict = Verdict::reached;
        }
        return o;
    };
}

}  // namespace ingot::cli
