#include "cli/session.h"

#include <CLI/CLI.hpp>

#include <cmath>

#include "common/strings.h"

namespace ingot::cli {
namespace {

// Caught at parse time, so "ingot --url host:6385" is a usage error and not
// a puzzling "Could not resolve host" later.
const CLI::Validator kHttpUrl(
    [](std::string& value) -> std::string {
        if (starts_with(value, "http://") || starts_with(value, "https://")) return {};
        return "must start with http:// or https:// (got \"" + value + "\")";
    },
    "URL");

// CLI::PositiveNumber would print its range up to DBL_MAX in full.
const CLI::Validator kSeconds(
    [](std::string& value) -> std::string {
        double seconds = 0;
        try {
            seconds = std::stod(value);
        } catch (const std::exception&) {
        }
        if (seconds > 0 && std::isfinite(seconds)) return {};
        return "must be a number of seconds greater than 0";
    },
    "SECONDS");

}  // namespace

ApiClient& Session::api() {
    if (!api_) {
        auto ms = std::chrono::milliseconds(static_cast<long long>(std::llround(options.timeout_seconds * 1000)));
        api_ = std::make_unique<ApiClient>(options.url, ms, options.api_version);
    }
    return *api_;
}

Format Session::format() const {
    return parse_format(options.format);
}

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.add_option("--url", options.url, "Ingot conductor API endpoint")
        ->envname("INGOT_URL")
        ->check(kHttpUrl)
        ->capture_default_str();
    app.add_option("-f,--format", options.format, "Output format")
        ->check(CLI::IsMember({"table", "json", "value"}))
        ->capture_default_str();
    app.add_option("--api-version", options.api_version,
                   "API microversion sent as X-OpenStack-Ironic-API-Version (N.N or 'latest')")
        ->capture_default_str();
    app.add_option("--timeout", options.timeout_seconds, "Seconds to wait for each request")
        ->check(kSeconds)
        ->capture_default_str();
}

void on_run(CLI::App* command, Session& session, Action action) {
    command->callback([&session, action = std::move(action)] { session.action = action; });
}

}  // namespace ingot::cli
