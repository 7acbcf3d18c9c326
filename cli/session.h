// What every command needs: the global options, the API client built from
// them on first use, and the action the chosen command registered.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cli/api_client.h"
#include "cli/output.h"

namespace CLI {
class App;
}

namespace ingot::cli {

struct GlobalOptions {
    std::string url = "http://127.0.0.1:6385";
    std::string format = "table";
    // Ironic 21.4's maximum, the version this CLI's output is written for.
    std::string api_version = "1.82";
    double timeout_seconds = 60;
    // http_basic: a user and password; keystone: a token (X-Auth-Token).
    std::string username;
    std::string password;
    std::string token;
    // A PEM CA bundle to verify an https:// conductor with (default: the
    // system's CAs); insecure skips verification.
    std::string cacert;
    bool insecure = false;
};

class Session;
using Action = std::function<int(Session&)>;

class Session {
public:
    GlobalOptions options;
    // Set while parsing by the leaf command the user chose; main runs it
    // after parsing so HTTP errors never surface as CLI11 parse errors.
    Action action;

    ApiClient& api();
    Format format() const;

private:
    std::unique_ptr<ApiClient> api_;
};

// Adds --url (env INGOT_URL), -f/--format, --api-version, --timeout, and
// --username/--password (INGOT_USERNAME/INGOT_PASSWORD), --token
// (INGOT_TOKEN), --cacert (INGOT_CACERT), --insecure.
void add_global_options(CLI::App& app, GlobalOptions& options);

// Makes `command` register `action` with the session when it is chosen.
void on_run(CLI::App* command, Session& session, Action action);

}  // namespace ingot::cli
