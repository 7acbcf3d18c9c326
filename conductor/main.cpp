// ingot-conductor: loads the configuration, opens (and migrates) the
// database, registers this conductor and serves the REST API until SIGTERM
// or SIGINT.
#include <CLI/CLI.hpp>

#include <pthread.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "common/errors.h"
#include "common/log.h"
#include "conductor/api/controllers.h"
#include "conductor/api/dispatcher.h"
#include "conductor/api_settings.h"
#include "conductor/boot_file_server.h"
#include "conductor/conductor_registration.h"
#include "conductor/context.h"
#include "conductor/options.h"
#include "conductor/periodic_tasks.h"
#include "conductor/recovery.h"
#include "http/server.h"

using namespace ingot;

int main(int argc, char** argv) {
    CLI::App app{"ingot-conductor: Ironic-compatible bare-metal provisioning service"};
    std::string config_file;
    bool upgrade_db = false, print_sample = false;
    app.add_option("--config-file", config_file, "INI configuration file (see etc/ingot.conf.sample)");
    app.add_flag("--upgrade-db", upgrade_db, "Apply database migrations and exit");
    app.add_flag("--print-sample-config", print_sample, "Print a sample configuration with every option and exit");
    app.set_version_flag("--version", "ingot-conductor 0.1.0");
    CLI11_PARSE(app, argc, argv);

    if (print_sample) {
        std::cout << config::render_sample(conductor::conductor_options(), "ingot-conductor configuration");
        return 0;
    }

    // Block the signals before any thread starts (make_context starts the
    // worker pool) so that every thread inherits the mask and only sigwait
    // below sees them; a SIGTERM during start-up then stops the conductor
    // cleanly instead of killing it through a worker thread.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    std::unique_ptr<conductor::Context> ctx;
    try {
        config::Config cfg(conductor::conductor_options());
        if (!config_file.empty()) cfg.load_file(config_file);
        log::set_level(log::parse_level(cfg.get_string("DEFAULT", "log_level")));
        if (!cfg.get_string("DEFAULT", "log_file").empty()) log::set_file(cfg.get_string("DEFAULT", "log_file"));
        conductor::check_auth_exposure(cfg);
        ctx = conductor::make_context(std::move(cfg), /*migrate=*/true);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ingot-conductor: %s\n", e.what());
        return 2;
    }
    if (upgrade_db) {
        std::printf("database %s is at the latest schema\n", ctx->database->path().c_str());
        return 0;
    }

    try {
        conductor::register_conductor(*ctx);
        conductor::recover_nodes(*ctx);
        auto periodic = std::make_unique<conductor::PeriodicTasks>(*ctx);
        api::Dispatcher dispatcher(api::make_router(*ctx), conductor::dispatcher_options(*ctx));
        http::ServerOptions opts = conductor::api_server_options(ctx->config);
        const std::string http_root = ctx->boot.http_root;
        http::Server server(
            [&dispatcher, &http_root](http::Request& r) {
                return conductor::is_boot_file_path(r.path) ? conductor::serve_boot_file(r, http_root)
                                                            : dispatcher.handle(r);
            },
            opts);
        server.start();
        log::info("conductor.started", {{"host", ctx->hostname},
                                        {"api", opts.host + ":" + std::to_string(server.port())},
                                        {"database", ctx->database->path()}});
        int sig = 0;
        sigwait(&signals, &sig);
        log::info("conductor.stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        server.stop();
        periodic.reset();
        // Running jobs finish and release their nodes; one that hangs (a BMC
        // that never answers) must not keep the process alive: the next
        // start recovers its node.
        if (!ctx->workers->drain(std::chrono::seconds(30))) {
            log::error("conductor.stop_timeout", {{"reason", "jobs still running after 30 s; exiting anyway"}});
            std::_Exit(1);
        }
        ctx->workers.reset();
        conductor::unregister_conductor(*ctx);
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "ingot-conductor: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        log::error("conductor.failed", {{"error", e.what()}});
        std::fprintf(stderr, "ingot-conductor: %s\n", e.what());
        return 1;
    }
    log::info("conductor.stopped");
    return 0;
}
