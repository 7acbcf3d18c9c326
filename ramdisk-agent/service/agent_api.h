// The agent's REST API, IPA-compatible: GET /v1/status, GET /v1/commands/,
// GET /v1/commands/{id}[?wait=true], POST /v1/commands/[?wait=true]
// {"name": "ext.command", "params": {...}}. Also answers without the /v1
// prefix, as IPA does. Errors are WSME-style {"faultcode", "faultstring"}.
// No sockets here: the server (http::Server) hands requests to handle().
#pragma once

#include <atomic>
#include <string>

#include "http/message.h"
#include "ramdisk-agent/service/agent_token.h"
#include "ramdisk-agent/service/command_registry.h"

namespace ingot::agent::service {

class AgentApi {
public:
    AgentApi(CommandRegistry& registry, AgentToken& token, std::string version);
    // Never throws. `?wait=true` answers are deferred: the HTTP thread is
    // not held while the command runs.
    http::Response handle(http::Request& request);

private:
    http::Response route(http::Request& request);
    http::Response status() const;
    http::Response list_commands(const http::Request& request);
    http::Response get_command(const http::Request& request, const std::string& id);
    http::Response run_command(const http::Request& request);
    void check_get_token(const http::Request& request);

    CommandRegistry& registry_;
    AgentToken& token_;
    std::string version_;
    double started_at_;
    // IPA's latch: once a GET has carried a token, GETs must carry a valid one.
    std::atomic<bool> get_token_support_{false};
};

}  // namespace ingot::agent::service
