// ingot-agent: the ramdisk agent. Serves the IPA-compatible command API
// (port 9999 by default) and, unless --standalone, finds its node through
// the conductor (lookup) and heartbeats so the conductor can drive it.
// `ingot-agent plan --input FILE` prints what a deploy of FILE would run;
// `ingot-agent disks` lists the devices it sees and whether it would write
// to each (and why not).
#include <signal.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/log.h"
#include "common/strings.h"
#include "http/server.h"
#include "ramdisk-agent/plan/input_driver.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/plugin_loader.h"
#include "ramdisk-agent/service/agent_api.h"
#include "ramdisk-agent/service/auto_tls.h"
#include "ramdisk-agent/service/builtin_commands.h"
#include "ramdisk-agent/service/conductor_tls.h"
#include "ramdisk-agent/service/disk_report.h"
#include "ramdisk-agent/service/heartbeater.h"
#include "ramdisk-agent/service/host_info.h"
#include "ramdisk-agent/service/plan_mode.h"

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

// IPA's ipa-advertise-host: the address the conductor reaches this agent
// at (a machine behind NAT, QEMU's user network, a jump host, says where),
// else the listen address, else the local address routed towards the
// conductor. IPv6 in brackets, as in a URL.
std::string advertised_host(const std::string& option, const std::string& cmdline_path,
                            const std::string& listen_host, const std::string& api_url) {
    using ingot::agent::service::kernel_param;
    using ingot::agent::service::local_address_towards;
    std::string host = option.empty() ? kernel_param("ipa-advertise-host", cmdline_path).value_or("") : option;
    if (host.empty() && listen_host != "0.0.0.0" && listen_host != "::") host = listen_host;
    if (host.empty()) host = local_address_towards(api_url);
    if (host.empty()) host = "127.0.0.1";
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    return host;
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
    int advertise_port = 0;
    std::string cmdline_path = "/proc/cmdline";
    std::string net_dir = "/sys/class/net";
    std::string log_level = "info";
    bool standalone = false;
    bool allow_power = false;
    bool allow_disk_writes = false;
    bool loop_devices_only = false;
    std::vector<std::string> only_devices;
    std::vector<std::string> plugin_dirs;
    double lookup_timeout = 0;
    std::string api_ca;
    std::string tls_dir;
    bool no_auto_tls = false;
    app.add_option("--listen", listen, "HOST:PORT the command API listens on")->capture_default_str();
    app.add_option("--api-url", api_url, "The conductor's API URL (default: ipa-api-url= on the kernel command line)");
    app.add_option("--mac", macs, "MAC address to look the node up by (repeatable; default: every NIC's)");
    app.add_option("--node-uuid", node_uuid, "Look the node up by UUID as well");
    app.add_option("--advertise-host", advertise_host,
                   "Address the conductor reaches this agent at (default: the listen address, or the local "
                   "address routed towards the conductor)");
    app.add_option("--advertise-port", advertise_port,
                   "Port the conductor reaches this agent at, when a NAT or port forward stands between them "
                   "(default: the listen port; ipa-advertise-port= on the kernel command line)");
    app.add_option("--kernel-cmdline", cmdline_path, "Kernel command line file")->capture_default_str();
    app.add_option("--sys-class-net", net_dir, "Where network interfaces are listed")->capture_default_str();
    app.add_option("--lookup-timeout", lookup_timeout,
                   "Give up looking the node up after this many seconds (0: never)");
    app.add_option("--log-level", log_level, "debug, info, warning or error")->capture_default_str();
    app.add_option("--api-ca", api_ca,
                   "CA file the conductor's https API is verified with (default: ipa-api-ca= on the kernel command "
                   "line, else /etc/ingot/api-ca.pem when present, else the system's CAs)");
    app.add_option("--tls-dir", tls_dir,
                   "Directory (made 0700) for the key and self-signed certificate of the command API (auto-TLS; "
                   "default: a fresh one under $TMPDIR, removed at exit)");
    app.add_flag("--no-auto-tls", no_auto_tls,
                 "Serve the command API over plain HTTP (conductors with [agent] require_tls refuse such an agent)");
    app.add_flag("--standalone", standalone, "Serve the command API without a conductor");
    app.add_flag("--allow-power-actions", allow_power,
                 "Allow power off and reboot commands although the agent is not PID 1 (never on a workstation)");
    app.add_flag("--allow-disk-writes", allow_disk_writes,
                 "Allow writing images and erasing disks although the agent is not PID 1 (never on a workstation)");
    app.add_flag("--loop-devices-only", loop_devices_only,
                 "Discover, write and erase loop devices only (tests, developers); allows writes to them");
    app.add_option("--device", only_devices,
                   "Only this device is eligible for writing and erasing (repeatable; narrows, never widens)");
    app.add_option("--plugin-dir", plugin_dirs,
                   "Load agent plugins (*.so adding actions and input drivers) from here (repeatable; default: "
                   "<prefix>/lib/ingot/agent-plugins, plus INGOT_AGENT_PLUGIN_PATH)");

    // ingot-agent plan --input FILE [--driver ironic|native] [--loop-devices-only]
    std::string plan_input;
    std::string plan_driver = "ironic";
    auto* plan_cmd =
        app.add_subcommand("plan", "Print the commands a deploy of a payload would run, in order, touching nothing");
    plan_cmd->add_option("--input", plan_input, "The payload (JSON)")->required();
    plan_cmd->add_option("--driver", plan_driver, "Input-data driver (ironic, native, or one a plugin adds)")
        ->capture_default_str();
    plan_cmd->add_flag("--loop-devices-only", loop_devices_only, "Choose among loop devices only");
    plan_cmd->add_option("--device", only_devices, "Choose among these devices only (repeatable)");
    plan_cmd->add_option("--plugin-dir", plugin_dirs, "Load agent plugins from here (repeatable)");

    // ingot-agent disks [--loop-devices-only] [--device PATH]
    auto* disks_cmd = app.add_subcommand(
        "disks", "List the block devices the agent sees and whether it would write to each (and why not)");
    disks_cmd->add_flag("--loop-devices-only", loop_devices_only, "Loop devices only");
    disks_cmd->add_option("--device", only_devices, "Only these devices are eligible (repeatable)");
    CLI11_PARSE(app, argc, argv);

    // Plugins first: a plan or a deploy may use what they add. One that
    // cannot be loaded is logged and skipped; the agent goes on without it.
    agent::plan::load_agent_plugins(agent::plan::agent_plugin_directories(plugin_dirs));

    DiskAccess disks;
    disks.policy = {allow_disk_writes, loop_devices_only, only_devices};
    if (*plan_cmd) {
        log::set_level(log::Level::warning);  // stdout is the plan; logs go to stderr anyway
        if (!agent::plan::input_drivers().contains(plan_driver)) {
            std::cerr << "ingot-agent plan: --driver: no input driver '" << plan_driver << "' (known: "
                      << join(agent::plan::input_drivers().names(), ", ") << ")\n";
            return 2;
        }
        try {
            std::cout << plan_mode(plan_input, plan_driver, disks);
            return 0;
        } catch (const agent::plan::PlanError& e) {
            std::cerr << "ingot-agent plan: " << e.what() << "\n";
            return 2;
        } catch (const std::exception& e) {
            std::cerr << "ingot-agent plan: " << e.what() << "\n";
            return 1;
        }
    }

    if (*disks_cmd) {
        log::set_level(log::Level::warning);  // stdout is the list
        try {
            std::cout << disk_report(disks);
            return 0;
        } catch (const AgentError& e) {
            std::cerr << "ingot-agent disks: " << e.details() << "\n";
            return 1;
        } catch (const std::exception& e) {
            std::cerr << "ingot-agent disks: " << e.what() << "\n";
            return 1;
        }
    }

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

    // IPA's ipa-insecure=1: image downloads skip TLS verification.
    if (auto insecure = kernel_param("ipa-insecure", cmdline_path); insecure && *insecure != "0")
        disks.tls.verify = false;
    auto deploy_state = std::make_shared<DeployState>();
    // An asynchronous command's end is told to the conductor at once (IPA's
    // force_heartbeat). Outlives the registry, whose worker may call it.
    struct BeatHook {
        std::mutex mutex;
        Heartbeater* heartbeater = nullptr;
        void set(Heartbeater* h) {
            std::lock_guard lock(mutex);
            heartbeater = h;
        }
        void fire() {
            std::lock_guard lock(mutex);
            if (heartbeater) heartbeater->heartbeat_now();
        }
    } beat_hook;
    CommandRegistry registry;
    registry.on_async_done([&beat_hook] { beat_hook.fire(); });
    BuiltinOptions builtin;
    builtin.allow_power_actions = allow_power;
    builtin.disks = disks;
    builtin.state = deploy_state;
    add_builtin_commands(registry, builtin);
    AgentToken token;
    // Virtual media: the conductor put the token on the command line, so
    // the command API demands it from the first request.
    const std::string pregenerated_token = standalone ? "" : kernel_param("ipa-agent-token", cmdline_path).value_or("");
    if (!pregenerated_token.empty()) token.set(pregenerated_token);
    const std::string host =
        standalone ? "" : advertised_host(advertise_host, cmdline_path, server_options.host, api_url);
    std::unique_ptr<AutoTls> auto_tls;
    TlsVerification api_tls;
    try {
        if (!standalone) api_tls = conductor_tls(api_ca, cmdline_path);
        if (!standalone && !no_auto_tls) {
            auto_tls = std::make_unique<AutoTls>(host, tls_dir);
            server_options.tls_cert_file = auto_tls->cert_file();
            server_options.tls_key_file = auto_tls->key_file();
        }
    } catch (const std::exception& e) {
        log::error("agent.tls_failed", {{"error", e.what()}});
        return 1;
    }
    AgentApi api(registry, token, kVersion);
    http::Server server([&api](http::Request& r) { return api.handle(r); }, server_options);
    try {
        server.start();
    } catch (const std::exception& e) {
        log::error("agent.listen_failed", {{"listen", listen}, {"error", e.what()}});
        return 1;
    }
    log::info("agent.started", {{"listen", server_options.host + ":" + std::to_string(server.port())},
                                {"tls", auto_tls ? "auto" : "none"},
                                {"standalone", standalone ? "true" : "false"},
                                {"power_actions", allow_power || getpid() == 1 ? "allowed" : "refused"},
                                {"disk_writes", !disk_writes_permitted(disks.policy, getpid()) ? "refused"
                                                : loop_devices_only                            ? "loop devices only"
                                                                                               : "allowed"}});

    std::atomic<bool> fatal{false};
    std::unique_ptr<Heartbeater> heartbeater;
    if (!standalone) {
        // IPA's ipa-advertise-port: where a NAT or port forward stands
        // between the conductor and this agent.
        if (advertise_port == 0) {
            try {
                advertise_port = std::stoi(kernel_param("ipa-advertise-port", cmdline_path).value_or("0"));
            } catch (const std::exception&) {
                log::warning("agent.bad_advertise_port", {{"reason", "ipa-advertise-port is not a number"}});
            }
        }
        HeartbeaterOptions options;
        options.api_url = api_url;
        options.macs = macs;
        if (!node_uuid.empty()) options.node_uuid = node_uuid;
        options.callback_url = std::string(auto_tls ? "https://" : "http://") + host + ":" +
                               std::to_string(advertise_port > 0 ? advertise_port : server.port());
        options.agent_version = kVersion;
        options.api_tls = api_tls;
        if (auto_tls) options.certificate_pem = auto_tls->certificate_pem();
        options.pregenerated_token = pregenerated_token;
        options.lookup_timeout = std::chrono::milliseconds(static_cast<long long>(lookup_timeout * 1000));
        heartbeater = std::make_unique<Heartbeater>(options, token);
        heartbeater->on_lookup([deploy_state](const nlohmann::json& node, const nlohmann::json& config) {
            deploy_state->remember_node(node);
            deploy_state->remember_image_policy(image_policy_from_lookup(config));
        });
        beat_hook.set(heartbeater.get());
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
    beat_hook.set(nullptr);
    if (heartbeater) heartbeater->stop();
    server.stop();
    return fatal ? 1 : 0;
}
