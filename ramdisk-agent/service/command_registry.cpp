#include "ramdisk-agent/service/command_registry.h"

#include "common/log.h"

namespace ingot::agent::service {
namespace {

void run_into(const CommandSpec& spec, const json& params, CommandResult& result) {
    try {
        result.succeed(spec.run(params));
    } catch (const AgentError& e) {
        result.fail(e);
    } catch (const std::exception& e) {
        result.fail(execution_error(e.what()));
    }
    log::info("agent.command_done", {{"command", result.command_name()},
                                     {"id", result.id()},
                                     {"status", result.to_json()["command_status"].get<std::string>()}});
}

}  // namespace

CommandRegistry::~CommandRegistry() {
    if (worker_.joinable()) worker_.join();
}

void CommandRegistry::add(const std::string& extension, const std::string& command, CommandSpec spec) {
    commands_[extension + "." + command] = std::move(spec);
}

std::vector<std::string> CommandRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& [name, spec] : commands_) out.push_back(name);
    return out;
}

std::shared_ptr<CommandResult> CommandRegistry::execute(const std::string& name, const json& params) {
    auto dot = name.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == name.size())
        throw invalid_command("Command name must be of the form <extension>.<name>");
    auto spec = commands_.find(name);
    if (spec == commands_.end()) {
        const std::string extension = name.substr(0, dot);
        bool known_extension = false;
        for (const auto& [n, s] : commands_) known_extension |= n.rfind(extension + ".", 0) == 0;
        throw invalid_command(known_extension ? "Unknown command: " + name : "Unknown extension: " + extension);
    }

    std::shared_ptr<CommandResult> result;
    {
        // Checking for a running command and recording the new one under
        // one lock is what makes "one at a time" hold between API threads.
        std::lock_guard lock(mutex_);
        if (!results_.empty() && results_.back()->status() == CommandStatus::running)
            throw agent_busy(results_.back()->command_name());
        result = std::make_shared<CommandResult>(name, params);
        results_.push_back(result);
        if (spec->second.async) {
            // The previous worker has finished (its result is not RUNNING).
            if (worker_.joinable()) worker_.join();
            log::info("agent.command_start", {{"command", name}, {"id", result->id()}, {"mode", "async"}});
            worker_ = std::thread([run = spec->second, params, result, hook = on_async_done_] {
                run_into(run, params, *result);
                if (hook) hook();
            });
            return result;
        }
    }
    log::info("agent.command_start", {{"command", name}, {"id", result->id()}, {"mode", "sync"}});
    run_into(spec->second, params, *result);
    return result;
}

std::vector<std::shared_ptr<CommandResult>> CommandRegistry::results() const {
    std::lock_guard lock(mutex_);
    return results_;
}

std::shared_ptr<CommandResult> CommandRegistry::result(const std::string& id) const {
    std::lock_guard lock(mutex_);
    for (const auto& r : results_)
        if (r->id() == id) return r;
    throw not_found("Command Result", id);
}

}  // namespace ingot::agent::service
