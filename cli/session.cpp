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
        if (!options.username.empty()) api_->set_basic_auth(options.username, options.password);
        if (!options.token.empty()) api_->set_token(options.token);
        if (options.insecure || !options.cacert.empty()) api_->set_tls({!options.insecure, options.cacert});
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
    app.add_option("--username", options.username, "User for http_basic authentication")->envname("INGOT_USERNAME");
    // Passwords and tokens are best given through the environment: a
    // command line is visible to every user of the machine (ps).
    app.add_option("--password", options.password, "Password for http_basic (prefer INGOT_PASSWORD)")
        ->envname("INGOT_PASSWORD");
    app.add_option("--token", options.token, "Keystone token sent as X-Auth-Token (prefer INGOT_TOKEN)")
        ->envname("INGOT_TOKEN");
    app.add_option("--cacert", options.cacert, "CA bundle (PEM) to verify an https:// conductor with")
        ->envname("INGOT_CACERT")
        ->check(CLI::ExistingFile);
    app.add_flag("--insecure", options.insecure, "Do not verify the conductor's TLS certificate");
}

void on_run(CLI::App* command, Session& session, Action action) {
    command->callback([&session, action = std::move(action)] { session.action = action; });
}

}  // namespace ingot::cli
