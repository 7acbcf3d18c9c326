// The API's own request/response types. Controllers see only these, never
// Pistache, so they compile fast and can be unit-tested without sockets.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conductor/api/api_version.h"

namespace ingot::api {

struct Request {
    std::string method;
    std::string path;                                        // as received, without the query
    std::map<std::string, std::string> params;               // path parameters, percent-decoded
    std::vector<std::pair<std::string, std::string>> query;  // decoded, in arrival order
    std::map<std::string, std::string> headers;              // names lower-cased
    std::string body;
    Version version = kMinVersion;
    std::string base_url;  // "http://host:port", for links
    std::string request_id;

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
    // When set, the answer comes later: the server hands `deferred` a Reply
    // and returns its thread to other connections at once (slow work such
    // as a BMC call must never hold an HTTP thread).
    std::function<void(Reply)> deferred;
};

using Handler = std::function<Response(const Request&)>;

}  // namespace ingot::api
