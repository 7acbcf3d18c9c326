// Building request paths: percent-encoded path segments and query strings,
// and turning the server's `next` links back into requests to our base URL.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ingot::cli {

// One path segment (a node name, a MAC), percent-encoded.
std::string path_segment(std::string_view raw);

class Query {
public:
    Query& add(std::string key, std::string value);
    bool empty() const { return params_.empty(); }
    // "?k=v&k2=v2" with keys and values percent-encoded, or "" when empty.
    std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

// The URL to request for a `next` link. The server builds it from its own
// idea of its address ([api] public_endpoint or the Host header), which may
// not be reachable from here, so like python-ironicclient we keep only its
// path and query and send them to the URL we were given.
std::string resolve_next_link(std::string_view link, std::string_view base_url);

}  // namespace ingot::cli
