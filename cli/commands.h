// Each resource's commands add themselves under the top-level app. The
// helpers keep option declarations uniform across command files.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/session.h"

namespace ingot::cli {

void add_node_commands(CLI::App& app, Session& session);             // node_commands.cpp
void add_node_update_commands(CLI::App& node, Session& session);     // node_update_commands.cpp
void add_node_action_commands(CLI::App& node, Session& session);     // node_action_commands.cpp
void add_node_provision_commands(CLI::App& node, Session& session);  // node_provision_commands.cpp
void add_node_power_commands(CLI::App& node, Session& session);      // node_power_commands.cpp
void add_node_history_commands(CLI::App& node, Session& session);    // node_history_commands.cpp
void add_port_commands(CLI::App& app, Session& session);
void add_driver_commands(CLI::App& app, Session& session);
void add_conductor_commands(CLI::App& app, Session& session);
void add_extension_commands(CLI::App& app, Session& session);

// A repeatable option taking exactly one value per occurrence, like
// argparse's action="append" in `baremetal`: `--extra a=1 --extra b=2`.
// (CLI11's default for vectors would swallow the words that follow.)
inline CLI::Option* add_repeated_option(CLI::App* command, const std::string& name, std::vector<std::string>& values,
                                        const std::string& help) {
    return command->add_option(name, values, help)->allow_extra_args(false)->type_name("TEXT");
}

// A group such as `node` or `node maintenance` that only holds subcommands.
inline CLI::App* add_group(CLI::App& parent, const std::string& name, const std::string& help) {
    CLI::App* group = parent.add_subcommand(name, help);
    group->require_subcommand(1);
    return group;
}

}  // namespace ingot::cli
