// The conductor's client of a ramdisk agent's command API (IPA's, which
// ingot-agent serves too): POST {agent_url}/v1/commands/?wait=..&agent_token=..
// with {"name": "<extension>.<command>", "params": {...}} runs a command, and
// GET {agent_url}/v1/commands/ lists the results so far (the last one is the
// one being polled). As Ironic's agent_client.py: short timeouts, 409 means
// the agent is busy with another command, connection failures are retried
// a few times, and errors name the node, the agent's URL and the command.
// The token (driver_internal_info.agent_secret_token) goes in the query
// string only; it is never logged and never appears in an error.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/errors.h"

namespace ingot {
class HttpClient;
}

namespace ingot::deploy {

struct AgentClientSettings {
    // Each request's whole exchange ([agent] command_timeout).
    std::chrono::milliseconds command_timeout{std::chrono::seconds(60)};
    // Establishing the TCP/TLS connection ([agent] connect_timeout).
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
    // Tries of a request the agent did not accept the connection for.
    int max_command_attempts = 3;
    // Verify an https agent's certificate when neither the node's
    // driver_internal_info (the agent's own CA from its heartbeat) nor its
    // driver_info say ([agent] verify_ca).
    bool verify_ca = true;
    // Refuse an agent that serves plain HTTP ([agent] require_tls): its
    // token and the config drive would cross the network in clear.
    bool require_tls = true;
};

// The agent could not be asked: no agent_url, connection or TLS failure,
// timeout, or an answer that is not what the API promises.
class AgentCommandError : public Error {
public:
    using Error::Error;
};

// Could not reach the agent at all (connection refused, timeout).
class AgentConnectionFailed : public AgentCommandError {
public:
    using AgentCommandError::AgentCommandError;
};

// 409: the agent runs another command; try again at the next heartbeat.
class AgentBusy : public AgentCommandError {
public:
    using AgentCommandError::AgentCommandError;
};

class AgentClient {
public:
    // `node` is the node record (uuid, driver_info, driver_internal_info
    // with agent_url, agent_secret_token, agent_verify_ca).
    AgentClient(const nlohmann::json& node, AgentClientSettings settings);
    ~AgentClient();
    AgentClient(const AgentClient&) = delete;
    AgentClient& operator=(const AgentClient&) = delete;

    // Runs `name` ("standby.power_off") and returns its command result
    // ({"id", "command_name", "command_status", "command_error",
    // "command_result"}); with `wait` the agent answers when it finished.
    // Throws AgentBusy on 409, AgentConnectionFailed, AgentCommandError.
    nlohmann::json run(const std::string& name, const nlohmann::json& params, bool wait);

    // Every command result the agent holds, oldest first.
    nlohmann::json commands();
    // The last of them, if any.
    std::optional<nlohmann::json> last_command();

    const std::string& agent_url() const { return agent_url_; }

private:
    std::string query(const std::string& extra) const;
    // Replaces the token in `text` (an error from libcurl naming the URL).
    std::string scrub(std::string text) const;

    std::string node_uuid_;
    std::string agent_url_;
    std::string token_;
    AgentClientSettings settings_;
    std::unique_ptr<HttpClient> http_;
};

// Whether a command result is for `name` ("deploy.execute_deploy_step");
// IPA reports "execute_deploy_step", ingot-agent the full name.
bool command_is(const nlohmann::json& command, const std::string& name);

// The error of a failed command as Ironic shows it: the details, else the
// message, else the whole error.
std::string command_error(const nlohmann::json& command);

// driver_internal_info keys that describe the running agent: its URL, token,
// CA, address and last heartbeat (Ironic's wipe_token_and_url). Erased when
// an operation ends and when a new operation starts.
void forget_agent_connection(nlohmann::json& driver_internal_info);

// What does not survive the machine powering off or rebooting (Ironic's
// wipe_internal_info_on_power_off): as forget_agent_connection, except a
// token the conductor put on the ramdisk's kernel command line
// (agent_secret_token_pregenerated), which the agent booting next needs.
void forget_agent_after_power_off(nlohmann::json& driver_internal_info);

// The in-progress step bookkeeping of a deploy or clean (cached agent steps,
// step lists and indexes, the command being polled).
void forget_agent_progress(nlohmann::json& driver_internal_info);

// Ironic's is_fast_track: the node is powered on and its agent, reachable
// at agent_url, heartbeated within `timeout`, so a deploy or clean may use
// it without booting the ramdisk again.
bool agent_alive(const nlohmann::json& node, std::chrono::seconds timeout);

}  // namespace ingot::deploy
