// HTTP request/response types shared by Ingot's servers (the conductor's
// API, ingot-vbmc's Redfish). Handlers see only these, never Boost.Beast, so
// they compile fast and can be unit-tested without sockets.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ingot::http {

// A negotiated "major.minor" API version (Ironic's microversions); servers
// without versions leave it at 1.1.
struct Version {
    int major = 1;
    int minor = 1;
    auto operator<=>(const Version&) const = default;
    std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
    // True when the negotiated version is at least 1.`minor`.
    bool at_least(int m) const { return major > 1 || minor >= m; }
};

// Who sent a request, as the handler's authentication established it
// (Keystone's token data, or an htpasswd user). Policy checks read it.
struct Caller {
    bool authenticated = false;
    std::string user_id;
    std::string user_name;
    std::string user_domain_id;
    std::string project_id;  // empty unless the token is project-scoped
    std::string project_name;
    std::string project_domain_id;
    std::string domain_id;  // set for a domain-scoped token
    bool system_scope = false;  // a system-scoped token ("system": {"all": true})
    std::vector<std::string> roles;

    bool has_role(const std::string& role) const {
        for (const auto& r : roles)
            if (r == role) return true;
        return false;
    }
};

struct Request {
    std::string method;
    std::string path;                                        // as received, without the query
    std::map<std::string, std::string> params;               // path parameters, percent-decoded
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in arrival order
    std::map<std::string, std::string> headers;              // names lower-cased
    std::string body;
    Version version;
    std::string scheme;          // "http" or "https": how this request arrived
    std::string remote_address;  // the peer's IP address (IPv4 or IPv6, no brackets)
    std::string local_address;   // the address the request arrived on
    Caller caller;               // set by the handler's authentication
    // "http(s)://host:port" for links; set by the handler from what it
    // trusts (a configured endpoint or a checked Host), never by the server.
    std::string base_url;
    std::string request_id;
    std::string query_error;  // set when the query string could not be decoded

    std::optional<std::string> query_value(const std::string& name) const {
        for (const auto& [k, v] : query)
            if (k == name) return v;
        return std::nullopt;
    }
    std::optional<std::string> header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        if (it == headers.end()) return std::nullopt;
        return it->second;
    }
    const std::string& param(const std::string& name) const { return params.at(name); }
};

struct Response;
// Delivers a response; may be called from any thread, exactly once.
using Reply = std::function<void(Response)>;

struct Response {
    int status = 200;
    std::string body;  // JSON text; empty for 202/204 without body
    std::vector<std::pair<std::string, std::string>> headers;
    // When set, the body is this file, sent from disk by the server without
    // reading it into memory (kernels and ramdisks for booting machines).
    std::string file;
    // When set, the answer comes later: the server hands `deferred` a Reply
    // and returns its thread to other connections at once (slow work such
    // as a BMC call must never hold an HTTP thread).
    std::function<void(Reply)> deferred;
};

using Handler = std::function<Response(const Request&)>;

}  // namespace ingot::http
