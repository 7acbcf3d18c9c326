// ingot-agent: the ramdisk agent. Serves the IPA-compatible command API
// (port 9999 by default) and, unless --standalone, finds its node through
// the conductor (lookup) and heartbeats so the conductor can drive it.
#include <signal.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/log.h"
#include "http/server.h"
#include "ramdisk-agent/service/agent_api.h"
#include "ramdisk-agent/service/builtin_commands.h"
#include "ramdisk-agent/service/heartbeater.h"
#include "ramdisk-agent/service/host_info.h"

namespace {

constexpr const char* kVersion = "0.1.0";

bool split_listen(const std::string& listen, std::string& host, uint16_t& port) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) return false;
    host = listen.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        int p = std::stoi(listen.substr(colon + 1));
        if (p < 0 || p > 65535) return false;
        port = static_cast<uint16_t>(p);
    } catch (const std::exception&) {
        return false;
    }
    return !host.empty();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ingot;
    using namespace ingot::agent::service;

    CLI::App app{"ingot-agent: the Ingot ramdisk agent (IPA-compatible command API, lookup and heartbeat)"};
    app.set_version_flag("--version", std::string("ingot-agent ") + kVersion);
    std::string listen = "0.0.0.0:9999";
    std::string api_url;
    std::vector<std::string> macs;
    std::string node_uuid;
    std::string advertise_host;
    std::string cmdline_path = "/proc/cmdline";
    std::string net_dir = "/sys/class/net";
    std::string log_level = "info";
    bool standalone = false;
    bool allow_power = false;
    double lookup_timeout = 0;
    app.add_option("--listen", listen, "HOST:PORT the command API listens on")->capture_default_str();
    app.add_option("--api-url", api_url, "The conductor's API URL (default: ipa-api-url= on the kernel command line)");
    app.add_option("--mac", macs, "MAC address to look the node up by (repeatable; default: every NIC's)");
    app.add_option("--node-uuid", node_uuid, "Look the node up by UUID as well");
    app.add_option("--advertise-host", advertise_host,
                   "Address the conductor reaches this agent at (default: the listen address, or the local "
                   "address routed towards the conductor)");
    app.add_option("--kernel-cmdline", cmdline_path, "Kernel command line file")->capture_default_str();
    app.add_option("--sys-class-net", net_dir, "Where network interfaces are listed")->capture_default_str();
    app.add_option("--lookup-timeout", lookup_timeout,
                   "Give up looking the node up after this many seconds (0: never)");
    app.add_option("--log-level", log_level, "debug, info, warning or error")->capture_default_str();
    app.add_flag("--standalone", standalone, "Serve the command API without a conductor");
    app.add_flag("--allow-power-actions", allow_power,
                 "Allow power off and reboot commands although the agent is not PID 1 (never on a workstation)");
    CLI11_PARSE(app, argc, argv);

    try {
        log::set_level(log::parse_level(log_level));
    } catch (const std::exception& e) {
        std::cerr << "ingot-agent: " << e.what() << "\n";
        return 2;
    }
    http::ServerOptions server_options;
    server_options.thread_name = "ingot-agent";
    if (!split_listen(listen, server_options.host, server_options.port)) {
        std::cerr << "ingot-agent: --listen must be HOST:PORT, got " << listen << "\n";
        return 2;
    }
    if (!standalone && api_url.empty()) {
        if (auto from_kernel = kernel_param("ipa-api-url", cmdline_path)) api_url = *from_kernel;
    }
    if (!standalone && api_url.empty()) {
        std::cerr << "ingot-agent: no conductor URL: give --api-url, ipa-api-url= on the kernel command line, "
                     "or --standalone\n";
        return 2;
    }
    if (macs.empty() && !standalone) macs = read_macs(net_dir);
    for (auto& m : macs) {
        std::string normal;
        if (!normalize_mac(m, normal)) {
            std::cerr << "ingot-agent: not a MAC address: " << m << "\n";
            return 2;
        }
        m = normal;
    }

    // Blocked before any thread starts, so only sigwait below sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGUSR1);  // a fatal error on the heartbeat thread
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    CommandRegistry registry;
    add_builtin_commands(registry, {allow_power});
    AgentToken token;
    AgentApi api(registry, token, kVersion);
    http::Server server([&api](http::Request& r) { return api.handle(r); }, server_options);
    try {
        server.start();
    } catch (const std::exception& e) {
        log::error("agent.listen_failed", {{"listen", listen}, {"error", e.what()}});
        return 1;
    }
    log::info("agent.started", {{"listen", server_options.host + ":" + std::to_string(server.port())},
                                {"standalone", standalone ? "true" : "false"},
                                {"power_actions", allow_power || getpid() == 1 ? "allowed" : "refused"}});

    std::atomic<bool> fatal{false};
    std::unique_ptr<Heartbeater> heartbeater;
    if (!standalone) {
        std::string host = advertise_host;
        if (host.empty() && server_options.host != "0.0.0.0" && server_options.host != "::") host = server_options.host;
        if (host.empty()) host = local_address_towards(api_url);
        if (host.empty()) host = "127.0.0.1";
        if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
        HeartbeaterOptions options;
        options.api_url = api_url;
        options.macs = macs;
        if (!node_uuid.empty()) options.node_uuid = node_uuid;
        options.callback_url = "http://" + host + ":" + std::to_string(server.port());
        options.agent_version = kVersion;
        options.lookup_timeout = std::chrono::milliseconds(static_cast<long long>(lookup_timeout * 1000));
        heartbeater = std::make_unique<Heartbeater>(options, token);
        heartbeater->on_fatal([&fatal](const std::string& why) {
            log::error("agent.fatal", {{"error", why}});
            fatal = true;
            kill(getpid(), SIGUSR1);
        });
        heartbeater->start();
    }

    int sig = 0;
    sigwait(&signals, &sig);
    log::info("agent.stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "fatal"}});
    if (heartbeater) heartbeater->stop();
    server.stop();
    return fatal ? 1 : 0;
}
