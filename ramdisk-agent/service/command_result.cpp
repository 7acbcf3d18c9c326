#include "ramdisk-agent/service/command_result.h"

#include "common/ids.h"
#include "common/secrets.h"

namespace ingot::agent::service {

AgentError::AgentError(std::string type, int code, std::string message, std::string details)
    : std::runtime_error(message + (details.empty() ? "" : ": " + details)),
      type_(std::move(type)),
      code_(code),
      message_(std::move(message)),
      details_(std::move(details)) {}

json AgentError::to_json() const {
    return {{"type", type_}, {"code", code_}, {"message", message_}, {"details", details_}};
}

AgentError invalid_command(const std::string& details) {
    return AgentError("InvalidCommandError", 400, "Invalid command", details);
}

AgentError not_found(const std::string& what, const std::string& id) {
    return AgentError("RequestedObjectNotFoundError", 404, "Requested object not found",
                      what + " " + id + " could not be found.");
}

AgentError agent_busy(const std::string& running_command) {
    return AgentError("AgentIsBusy", 409, "Agent is busy", "Executing command: " + running_command);
}

AgentError execution_error(const std::string& details) {
    return AgentError("CommandExecutionError", 500, "Command execution failed", details);
}

AgentError not_implemented(const std::string& command, const std::string& why) {
    return AgentError("NotImplementedError", 500, "Command not implemented yet",
                      command + " is not implemented yet in ingot-agent: " + why);
}

CommandResult::CommandResult(std::string command_name, json params)
    : id_(generate_uuid()), name_(std::move(command_name)), params_(std::move(params)) {
    mask_secrets(params_);
}

CommandStatus CommandResult::status() const {
    std::lock_guard lock(mutex_);
    return status_;
}

json CommandResult::to_json() const {
    static const char* names[] = {"RUNNING", "SUCCEEDED", "FAILED"};
    std::lock_guard lock(mutex_);
    return {{"id", id_},
            {"command_name", name_},
            {"command_params", params_},
            {"command_status", names[static_cast<int>(status_)]},
            {"command_error", error_},
            {"command_result", result_}};
}

void CommandResult::succeed(json result) {
    finish(CommandStatus::succeeded, std::move(result), nullptr);
}

void CommandResult::fail(const AgentError& error) {
    finish(CommandStatus::failed, nullptr, error.to_json());
}

void CommandResult::finish(CommandStatus status, json result, json error) {
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard lock(mutex_);
        if (status_ != CommandStatus::running) return;
        status_ = status;
        result_ = std::move(result);
        error_ = std::move(error);
        waiters.swap(waiters_);
    }
    finished_.notify_all();
    for (auto& w : waiters) w();
}

void CommandResult::wait() const {
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [this] { return status_ != CommandStatus::running; });
}

void CommandResult::when_done(std::function<void()> done) {
    {
        std::lock_guard lock(mutex_);
        if (status_ == CommandStatus::running) {
            waiters_.push_back(std::move(done));
            return;
        }
    }
    done();
}

}  // namespace ingot::agent::service
