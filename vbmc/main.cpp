// ingot-vbmc: a virtual Redfish BMC for in-memory or QEMU machines, what
// sushy-tools is to Ironic. Prints "listening HOST:PORT" as the first line
// on stdout once it serves (so that --port 0 can be used by tests), then
// runs until SIGTERM or SIGINT.
#include <CLI/CLI.hpp>

#include <pthread.h>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "common/errors.h"
#include "common/log.h"
#include "http/server.h"
#include "vbmc/config.h"
#include "vbmc/redfish_service.h"

using namespace ingot;

int main(int argc, char** argv) {
    CLI::App app{"ingot-vbmc: virtual Redfish BMC for in-memory or QEMU machines"};
    std::string config_file, host = "127.0.0.1", tls_cert, tls_key, username, password, auth_file;
    std::string state_dir = "ingot-vbmc-state", log_level = "info", log_file;
    int memory_count = 0, port = 8000, threads = 2, task_ms = 500;
    vbmc::ServiceOptions options;
    auto* config_opt = app.add_option("--config", config_file, "JSON file listing the systems (see README)");
    app.add_option("--memory-systems", memory_count, "Serve N in-memory systems node-0 .. node-<N-1>")
        ->excludes(config_opt)
        ->check(CLI::Range(1, 100000));
    app.add_option("--host", host, "Address to listen on")->capture_default_str();
    app.add_option("--port", port, "Port to listen on; 0 picks a free one")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    auto* cert_opt = app.add_option("--tls-cert", tls_cert, "PEM certificate: serve HTTPS");
    auto* key_opt = app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert");
    cert_opt->needs(key_opt);
    key_opt->needs(cert_opt);
    auto* user_opt = app.add_option("--username", username, "User for HTTP Basic and sessions (no user: no auth)");
    auto* pass_opt = app.add_option("--password", password, "Password of --username");
    user_opt->needs(pass_opt);
    pass_opt->needs(user_opt);
    app.add_option("--auth-file", auth_file, "File of user:password lines")->excludes(user_opt);
    app.add_option("--state-dir", state_dir, "Directory for QEMU sockets, logs and media")->capture_default_str();
    app.add_flag("--enable-fault-injection", options.fault_injection, "Serve PUT /ingot-vbmc/systems/{id}/fault");
    app.add_flag("--async-tasks", options.async_tasks, "Answer Reset with 202 and a task");
    app.add_option("--task-duration-ms", task_ms, "Minimum time a task reads Running")->capture_default_str();
    app.add_option("--threads", threads, "HTTP threads")->capture_default_str()->check(CLI::Range(1, 64));
    app.add_option("--log-level", log_level, "debug, info, warning or error")->capture_default_str();
    app.add_option("--log-file", log_file, "Log here instead of stderr");
    app.set_version_flag("--version", "ingot-vbmc 0.1.0");
    CLI11_PARSE(app, argc, argv);

    std::unique_ptr<vbmc::RedfishService> service;
    try {
        log::set_level(log::parse_level(log_level));
        if (!log_file.empty()) log::set_file(log_file);
        if (config_file.empty() && memory_count == 0) throw ConfigError("give --config FILE or --memory-systems N");
        auto systems = config_file.empty() ? vbmc::memory_systems(memory_count) : vbmc::load_config_file(config_file);
        if (!auth_file.empty()) options.credentials = vbmc::Credentials::load_file(auth_file);
        if (!username.empty()) options.credentials.add(username, password);
        options.task_min_duration = std::chrono::milliseconds(task_ms);
        service = std::make_unique<vbmc::RedfishService>(vbmc::make_machines(systems, state_dir), std::move(options));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ingot-vbmc: %s\n", e.what());
        return 2;
    }

    // Blocked before any thread starts so that only sigwait sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // TLS writes to a closed peer

    try {
        http::ServerOptions opts;
        opts.host = host;
        opts.port = static_cast<uint16_t>(port);
        opts.threads = threads;
        opts.tls_cert_file = tls_cert;
        opts.tls_key_file = tls_key;
        opts.thread_name = "vbmc-http";
        http::Server server([&service](http::Request& r) { return service->handle(r); }, opts);
        server.start();
        std::printf("listening %s:%u\n", host.c_str(), static_cast<unsigned>(server.port()));
        std::fflush(stdout);
        log::info("vbmc.started", {{"systems", std::to_string(service->machines().size())},
                                   {"tls", tls_cert.empty() ? "false" : "true"},
                                   {"auth", username.empty() && auth_file.empty() ? "false" : "true"}});
        // The main thread watches the machines between signals: a guest that
        // powered itself off reads Off within half a second.
        const timespec tick{0, 500'000'000};
        int sig = -1;
        while (sig < 0) {
            sig = sigtimedwait(&signals, nullptr, &tick);
            if (sig < 0) service->poll_machines();
        }
        log::info("vbmc.stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        service->shutdown();
        server.stop();
        service.reset();  // stops QEMU processes
    } catch (const std::exception& e) {
        log::error("vbmc.failed", {{"error", e.what()}});
        std::fprintf(stderr, "ingot-vbmc: %s\n", e.what());
        return 1;
    }
    log::info("vbmc.stopped");
    return 0;
}
