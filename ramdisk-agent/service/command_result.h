// One command's record as IPA reports it: {"id", "command_name",
// "command_params", "command_status" (RUNNING, SUCCEEDED, FAILED),
// "command_error", "command_result"}. Written by the thread running the
// command, read by API threads; hence the lock.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace ingot::agent::service {

using nlohmann::json;

// An error as IPA serializes it: {"type", "code", "message", "details"}.
// Thrown by the registry for requests it refuses (400, 404, 409) and by
// commands for their own failures (recorded in command_error).
class AgentError : public std::runtime_error {
public:
    AgentError(std::string type, int code, std::string message, std::string details);
    const std::string& type() const { return type_; }
    int code() const { return code_; }
    const std::string& message() const { return message_; }
    const std::string& details() const { return details_; }
    json to_json() const;

private:
    std::string type_;
    int code_;
    std::string message_;
    std::string details_;
};

// The errors IPA's API answers with, by name.
AgentError invalid_command(const std::string& details);                          // 400
AgentError not_found(const std::string& what, const std::string& id);            // 404
AgentError agent_busy(const std::string& running_command);                       // 409
AgentError execution_error(const std::string& details);                          // 500, inside a result
AgentError not_implemented(const std::string& command, const std::string& why);  // in a result

enum class CommandStatus { running, succeeded, failed };

class CommandResult {
public:
    CommandResult(std::string command_name, json params);

    const std::string& id() const { return id_; }
    const std::string& command_name() const { return name_; }
    CommandStatus status() const;
    json to_json() const;

    void succeed(json result);
    void fail(const AgentError& error);
    // Blocks until the command is over.
    void wait() const;
    // Runs `done` once the command is over: now if it already is, else on
    // the thread that finishes it (an HTTP answer waiting for `?wait=true`).
    void when_done(std::function<void()> done);

private:
    void finish(CommandStatus status, json result, json error);

    std::string id_;
    std::string name_;
    json params_;  // secrets masked: results are listed to anyone holding the token
    mutable std::mutex mutex_;
    mutable std::condition_variable finished_;
    CommandStatus status_ = CommandStatus::running;
    json result_;
    json error_;
    std::vector<std::function<void()>> waiters_;
};

}  // namespace ingot::agent::service
