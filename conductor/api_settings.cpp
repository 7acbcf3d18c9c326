#include "conductor/api_settings.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/errors.h"
#include "common/log.h"

namespace ingot::conductor {
namespace {

bool is_loopback_address(const std::string& host) {
    if (host == "localhost") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::chrono::seconds seconds(const config::Config& c, const char* section, const char* name) {
    return std::chrono::seconds(c.get_int(section, name));
}

}  // namespace

void check_auth_exposure(const config::Config& c) {
    if (c.get_string("DEFAULT", "auth_strategy") != "noauth") return;
    const std::string host = c.get_string("api", "host_ip");
    if (is_loopback_address(host)) return;
    if (!c.get_bool("api", "allow_insecure_noauth"))
        throw ConfigError("[api] host_ip = " + host +
                          " with [DEFAULT] auth_strategy = noauth would let anyone on that network control every "
                          "node; use http_basic or keystone, or set [api] allow_insecure_noauth = true");
    log::warning("api.noauth_exposed",
                 {{"host_ip", host}, {"reason", "auth_strategy = noauth on a non-loopback address: anyone who "
                                                "reaches it controls every node"}});
}

http::ServerOptions api_server_options(const config::Config& c) {
    http::ServerOptions o;
    o.host = c.get_string("api", "host_ip");
    o.port = static_cast<uint16_t>(c.get_int("api", "port"));
    o.threads = static_cast<int>(c.get_int("api", "api_workers"));
    o.max_request_bytes = static_cast<size_t>(c.get_int("api", "max_request_body_size"));
    o.max_header_bytes = static_cast<size_t>(c.get_int("api", "max_header_bytes"));
    o.max_header_count = static_cast<size_t>(c.get_int("api", "max_header_count"));
    o.max_connections = static_cast<size_t>(c.get_int("api", "max_connections"));
    o.max_connections_per_client = static_cast<size_t>(c.get_int("api", "max_connections_per_client"));
    o.idle_timeout = seconds(c, "api", "client_idle_timeout");
    o.header_timeout = seconds(c, "api", "client_header_timeout");
    o.body_timeout = seconds(c, "api", "client_body_timeout");
    o.tls_cert_file = c.get_string("api", "tls_cert_file");
    o.tls_key_file = c.get_string("api", "tls_key_file");
    o.thread_name = "ingot-api";
    o.error_body = [](int status, const std::string& message) { return api::fault_body(status, message); };
    return o;
}

api::DispatcherOptions dispatcher_options(const Context& ctx) {
    const auto& c = ctx.config;
    api::DispatcherOptions o;
    o.max_body_bytes = static_cast<size_t>(c.get_int("api", "max_request_body_size"));
    o.authenticator = auth::make_authenticator(c);
    std::vector<std::string> names = c.get_list("api", "allowed_hosts");
    for (const auto& url : {ctx.public_endpoint, ctx.boot.api_url, ctx.boot.http_url, ctx.hostname})
        if (!url.empty()) names.push_back(url);
    o.allowed_hosts = api::AllowedHosts(names);
    o.public_endpoint = ctx.public_endpoint;
    const std::string scheme = c.get_string("api", "tls_cert_file").empty() ? "http" : "https";
    o.fallback_base_url = scheme + "://" + c.get_string("api", "host_ip") + ":" + std::to_string(c.get_int("api", "port"));
    return o;
}

}  // namespace ingot::conductor
