// Which names a request's Host header may carry. A browser tricked by DNS
// rebinding (evil.example resolving to the conductor) sends
// `Host: evil.example`, and links built from an unchecked Host point
// wherever the caller likes; so the Host must name this conductor: the
// address the request arrived on, a loopback name on loopback, or a name
// the operator configured ([api] public_endpoint, [api] allowed_hosts,
// the hosts of [conductor] api_url and [deploy] http_url, [DEFAULT] host).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "http/message.h"

namespace ingot::api {

class AllowedHosts {
public:
    AllowedHosts() = default;
    // Names (or URLs, whose host part is taken) that are always allowed.
    explicit AllowedHosts(const std::vector<std::string>& names_or_urls);

    // Whether the request's Host header (if any) is acceptable.
    bool allows(const http::Request& request) const;

    // "host" of "host", "host:port", "[v6]:port", "http://host:port/path".
    static std::string host_part(const std::string& name_or_url);

private:
    std::set<std::string> names_;  // lower case, no port, IPv6 without brackets
};

}  // namespace ingot::api
