#include "power/ipmitool_runner.h"

#include <cstdio>
#include <thread>

#include "common/log.h"
#include "common/strings.h"

namespace ingot::power {
namespace {

using Clock = BmcThrottle::Clock;
using std::chrono::milliseconds;

std::string seconds_text(Clock::duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", std::chrono::duration<double>(d).count());
    return buf;
}

// What went wrong, in ipmitool's words where it has any.
std::string describe(IpmiFailure failure, const ProcessResult& r, std::chrono::seconds command_timeout) {
    std::string text = ipmitool_error_text(r.err);
    if (failure == IpmiFailure::timed_out)
        return "ipmitool did not finish within " + std::to_string(command_timeout.count()) + " s and was killed" +
               (text.empty() ? "" : " (" + text + ")");
    if (text.empty()) text = "ipmitool exited with status " + std::to_string(r.exit_code);
    return text;
}

}  // namespace

IpmitoolRunner::IpmitoolRunner(IpmiConnection connection, IpmitoolSettings settings, std::string node_uuid,
                               BmcThrottle& throttle, Executor executor)
    : connection_(std::move(connection)),
      settings_(std::move(settings)),
      node_uuid_(std::move(node_uuid)),
      throttle_(throttle),
      executor_(std::move(executor)) {}

std::string IpmitoolRunner::where() const {
    return "for node " + node_uuid_ + " at " + connection_.endpoint();
}

std::string IpmitoolRunner::run(const std::vector<std::string>& command) {
    const std::string what = join(command, " ");
    const std::string bmc = connection_.endpoint();
    const auto started = Clock::now();
    const auto retry_until = started + settings_.command_retry_timeout;
    const auto interval = std::chrono::duration_cast<milliseconds>(settings_.min_command_interval);
    const auto argv = ipmitool_argv(connection_, settings_, command);
    ProcessOptions options;
    options.timeout = settings_.command_timeout;
    options.extra_env = ipmitool_env(connection_);
    if (!connection_.password.empty()) options.secrets.push_back(connection_.password);

    for (int attempt = 1;; ++attempt) {
        // Waiting for other commands to this BMC is bounded too: a command
        // that cannot start within the retry window (plus one run) fails.
        auto slot = throttle_.acquire(bmc, interval, retry_until + settings_.command_timeout);
        if (!slot)
            throw IpmiError(IpmiFailure::busy, "IPMI " + what + " failed " + where() +
                                                   ": other commands to this BMC kept it busy for " +
                                                   seconds_text(Clock::now() - started) + " s");
        ProcessResult r;
        try {
            r = executor_(argv, options);
        } catch (const std::exception& e) {
            throw IpmiError(IpmiFailure::other, "IPMI " + what + " failed " + where() + ": " + e.what());
        }
        slot.release();
        if (r.exit_code == 0 && !r.timed_out) return r.out;

        const IpmiFailure failure = classify_ipmitool_failure(r);
        const std::string detail = describe(failure, r, settings_.command_timeout);
        const auto now = Clock::now();
        if (retryable(failure) && now < retry_until) {
            log::warning("ipmi.retry", {{"node", node_uuid_},
                                        {"bmc", bmc},
                                        {"command", what},
                                        {"attempt", std::to_string(attempt)},
                                        {"error", detail}});
            // A pause between tries even with min_command_interval = 0.
            if (interval < settings_.min_retry_pause)
                std::this_thread::sleep_for(
                    std::min<Clock::duration>(settings_.min_retry_pause - interval, retry_until - now));
            continue;
        }
        std::vector<std::string> notes;
        if (auto hint = failure_hint(failure); !hint.empty()) notes.push_back(hint);
        if (attempt > 1) notes.push_back(std::to_string(attempt) + " tries in " + seconds_text(now - started) + " s");
        std::string message = "IPMI " + what + " failed " + where() + ": " + detail;
        if (!notes.empty()) message += " (" + join(notes, "; ") + ")";
        log::warning("ipmi.failed", {{"node", node_uuid_}, {"bmc", bmc}, {"command", what}, {"error", message}});
        throw IpmiError(failure, message);
    }
}

}  // namespace ingot::power
