// The agent's commands, IPA-style: "extension.command" names, each a
// function of its JSON params. One command runs at a time (IPA answers 409
// while one is RUNNING); synchronous commands finish before execute()
// returns, asynchronous ones run on a worker thread and are polled through
// their result.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ramdisk-agent/service/command_result.h"

namespace ingot::agent::service {

struct CommandSpec {
    // Returns the command_result; throws AgentError (or anything) to fail.
    std::function<json(const json& params)> run;
    bool async = false;
};

class CommandRegistry {
public:
    CommandRegistry() = default;
    ~CommandRegistry();  // waits for a running asynchronous command
    CommandRegistry(const CommandRegistry&) = delete;
    CommandRegistry& operator=(const CommandRegistry&) = delete;

    void add(const std::string& extension, const std::string& command, CommandSpec spec);
    // Called on the worker thread each time an asynchronous command is over
    // (IPA's force_heartbeat: the conductor hears about it at once). Set it
    // before any command runs.
    void on_async_done(std::function<void()> hook) { on_async_done_ = std::move(hook); }
    // "extension.command" names, sorted.
    std::vector<std::string> names() const;

    // Starts a command. Throws AgentError: 400 for a malformed or unknown
    // name, 409 while another command runs. A failing command is not an
    // error here: its result says FAILED.
    std::shared_ptr<CommandResult> execute(const std::string& name, const json& params);

    // Every result so far, oldest first.
    std::vector<std::shared_ptr<CommandResult>> results() const;
    // Throws AgentError 404 for an unknown id.
    std::shared_ptr<CommandResult> result(const std::string& id) const;

private:
    std::map<std::string, CommandSpec> commands_;
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<CommandResult>> results_;
    std::thread worker_;  // the last asynchronous command's thread
    std::function<void()> on_async_done_;
};

}  // namespace ingot::agent::service
