#include "conductor/context.h"

#include <unistd.h>

#include "boot/ca_initrd.h"
#include "boot/image_cache.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "conductor/builtin_plugins.h"
#include "interfaces/extension.h"

namespace ingot::conductor {
namespace {

power::PowerSettings power_settings(const config::Config& c) {
    power::PowerSettings s;
    s.redfish.connection_attempts = static_cast<int>(c.get_int("redfish", "connection_attempts"));
    s.redfish.connection_retry_interval = std::chrono::seconds(c.get_int("redfish", "connection_retry_interval"));
    s.redfish.request_timeout = std::chrono::seconds(c.get_int("redfish", "request_timeout"));
    s.redfish.auth_type = c.get_string("redfish", "auth_type");
    s.ipmitool.command_retry_timeout = std::chrono::seconds(c.get_int("ipmi", "command_retry_timeout"));
    s.ipmitool.min_command_interval = std::chrono::seconds(c.get_int("ipmi", "min_command_interval"));
    s.ipmitool.command_timeout = std::chrono::seconds(c.get_int("ipmi", "command_timeout"));
    s.ipmitool.disable_boot_timeout = c.get_bool("ipmi", "disable_boot_timeout");
    return s;
}

deploy::DeploySettings deploy_settings(const config::Config& c) {
    deploy::DeploySettings s;
    auto& a = s.agent;
    a.client.command_timeout = std::chrono::seconds(c.get_int("agent", "command_timeout"));
    a.client.connect_timeout = std::chrono::seconds(c.get_int("agent", "connect_timeout"));
    a.client.max_command_attempts = static_cast<int>(c.get_int("agent", "max_command_attempts"));
    a.client.verify_ca = c.get_bool("agent", "verify_ca");
    a.client.require_tls = c.get_bool("agent", "require_tls");
    a.power_timeout = std::chrono::seconds(c.get_int("conductor", "power_action_timeout"));
    a.power_state_retries = static_cast<int>(c.get_int("agent", "post_deploy_get_power_state_retries"));
    a.power_state_retry_interval =
        std::chrono::seconds(c.get_int("agent", "post_deploy_get_power_state_retry_interval"));
    a.stream_raw_images = c.get_bool("agent", "stream_raw_images");
    a.allow_md5_checksum = c.get_bool("agent", "allow_md5_checksum");
    a.file_sources.allowed_paths = c.get_list("conductor", "file_url_allowed_paths");
    // Unset keeps the agent's own priority.
    if (!c.get_string("deploy", "erase_devices_priority").empty())
        a.erase_devices_priority = static_cast<int>(c.get_int("deploy", "erase_devices_priority"));
    if (!c.get_string("deploy", "erase_devices_metadata_priority").empty())
        a.erase_devices_metadata_priority = static_cast<int>(c.get_int("deploy", "erase_devices_metadata_priority"));
    a.power_off_after_deploy_failure = c.get_bool("deploy", "power_off_after_deploy_failure");
    a.fast_track = c.get_bool("deploy", "fast_track");
    a.fast_track_timeout = std::chrono::seconds(c.get_int("deploy", "fast_track_timeout"));
    return s;
}

std::string without_trailing_slash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

boot::BootSettings boot_settings(const config::Config& c) {
    boot::BootSettings s;
    s.api_url = without_trailing_slash(c.get_string("conductor", "api_url"));
    if (s.api_url.empty())
        s.api_url = (c.get_string("api", "tls_cert_file").empty() ? "http://" : "https://") +
                    c.get_string("api", "host_ip") + ":" + std::to_string(c.get_int("api", "port"));
    s.default_deploy_kernel = c.get_string("conductor", "deploy_kernel");
    s.default_deploy_ramdisk = c.get_string("conductor", "deploy_ramdisk");
    s.http_root = c.get_string("deploy", "http_root");
    s.http_url = without_trailing_slash(c.get_string("deploy", "http_url"));
    if (s.http_url.empty()) s.http_url = s.api_url + "/boot";
    s.tftp_root = c.get_string("pxe", "tftp_root");
    s.kernel_append_params = c.get_string("pxe", "kernel_append_params");
    s.pxe_bootfile = c.get_string("pxe", "pxe_bootfile_name");
    s.uefi_pxe_bootfile = c.get_string("pxe", "uefi_pxe_bootfile_name");
    s.ipxe_bootfile = c.get_string("pxe", "ipxe_bootfile_name");
    s.uefi_ipxe_bootfile = c.get_string("pxe", "uefi_ipxe_bootfile_name");
    s.dhcp_hostsdir = c.get_string("dnsmasq", "dhcp_hostsdir");
    s.dhcp_optsdir = c.get_string("dnsmasq", "dhcp_optsdir");
    s.image_sources.files.allowed_paths = c.get_list("conductor", "file_url_allowed_paths");
    s.image_sources.max_bytes = static_cast<std::uint64_t>(c.get_int("pxe", "max_image_size")) << 20;
    s.image_cache = std::make_shared<boot::ImageCache>(
        c.get_string("pxe", "image_cache_dir"), static_cast<std::uint64_t>(c.get_int("pxe", "image_cache_size")) << 20,
        s.image_sources);
    s.api_ca_file = c.get_string("agent", "api_ca_file");
    // A CA that cannot be handed to ramdisks stops the start, not a deploy.
    if (!s.api_ca_file.empty()) {
        try {
            boot::ca_initrd_of_file(s.api_ca_file);
        } catch (const Error& e) {
            throw ConfigError(e.what());
        }
    }
    return s;
}

}  // namespace

std::unique_ptr<Context> make_context(config::Config cfg, bool migrate) {
    auto ctx = std::make_unique<Context>(std::move(cfg));
    const auto& c = ctx->config;
    ctx->hostname = c.get_string("DEFAULT", "host");
    if (ctx->hostname.empty()) {
        char buf[256] = {};
        gethostname(buf, sizeof buf - 1);
        ctx->hostname = buf;
    }
    ctx->conductor_group = to_lower(c.get_string("conductor", "conductor_group"));
    ctx->max_limit = c.get_int("api", "max_limit");
    ctx->public_endpoint = c.get_string("api", "public_endpoint");
    while (!ctx->public_endpoint.empty() && ctx->public_endpoint.back() == '/') ctx->public_endpoint.pop_back();
    ctx->allow_deleting_available_nodes = c.get_bool("conductor", "allow_deleting_available_nodes");

    ctx->policy = std::make_unique<auth::Enforcer>(auth::enforcer_options(c));
    ctx->registry = std::make_unique<interfaces::Registry>();
    ctx->boot = boot_settings(c);
    register_builtin_plugins(*ctx->registry, power_settings(c), deploy_settings(c), ctx->boot);
    ctx->plugins = load_plugins(*ctx->registry, plugin_directories(c.get_list("DEFAULT", "plugin_dirs")));
    ctx->drivers = std::make_unique<DriverComposition>(*ctx->registry, c);

    std::vector<EventBus::Subscriber> subscribers;
    for (const auto& info : ctx->registry->list(interfaces::kExtensionsNamespace)) {
        try {
            subscribers.push_back(
                {info.name, ctx->registry->create<interfaces::Extension>(info.name_space, info.name)});
        } catch (const std::exception& e) {
            // One broken extension must not stop the conductor.
            log::error("extension.skipped", {{"extension", info.name}, {"origin", info.origin}, {"error", e.what()}});
        }
    }
    ctx->events = std::make_unique<EventBus>(std::move(subscribers));

    size_t pool = static_cast<size_t>(c.get_int("conductor", "workers_pool_size"));
    ctx->workers = std::make_unique<WorkerPool>(pool, pool);

    std::string path = db::Database::path_from_url(c.get_string("database", "connection"));
    ctx->database = std::make_unique<db::Database>(path, migrate);
    return ctx;
}

}  // namespace ingot::conductor
