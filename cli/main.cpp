// ingot: the admin CLI. Parses the command line, runs the chosen command
// against the conductor's Ironic-compatible API, and turns every failure
// into one "ingot: error: ..." line and an exit status:
//   0 success, 1 the request failed (API error, unreachable server),
//   2 the command line is wrong.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/commands.h"
#include "common/http_client.h"

namespace {

using namespace ingot::cli;

int run(Session& session) {
    try {
        session.format();  // a bad -f is a usage error, before any request
        return session.action(session);
    } catch (const ApiError& e) {
        print_error(api_error_line(e));
        return 1;
    } catch (const UsageError& e) {
        print_error(e.what());
        return 2;
    } catch (const ingot::HttpTransportError& e) {
        print_error(e.what());
        return 1;
    } catch (const std::exception& e) {
        print_error(e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    Session session;
    CLI::App app{"Admin CLI for Ingot, speaking the OpenStack Ironic API (v1).", "ingot"};
    // Global options may follow the subcommand (`ingot node list -f json`),
    // as in the openstack CLI; subcommands inherit this setting.
    app.fallthrough();
    app.require_subcommand(1);
    add_global_options(app, session.options);
    add_node_commands(app, session);
    add_port_commands(app, session);
    add_driver_commands(app, session);
    add_conductor_commands(app, session);
    add_extension_commands(app, session);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help ends here too, with status 0; CLI11's own codes for usage
        // errors (100+) are folded into the conventional 2.
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (!session.action) {
        print_error("no command given (see --help)");
        return 2;
    }
    return run(session);
}
