// The HTTP(S) side of image_fetch: libcurl restricted to http and https,
// redirects followed here rather than by libcurl so that each one is
// checked (http or https only, on the scheme's default port or the port
// of the URL given, at most `max_redirects`), and a size cap on what is
// read. A source may redirect to another web server; it may not make the
// conductor read a file of its own host or talk to another service of it
// (server-side request forgery).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ingot::boot {

struct HttpFetchLimits {
    int max_redirects = 5;
    std::uint64_t max_bytes = 0;  // 0: no limit
    std::string size_option;      // named when max_bytes is exceeded: "[pxe] max_image_size"
};

// HEAD `url`: the validators (ETag, Last-Modified, Content-Length) joined,
// or "" when the server gives none worth trusting or has no HEAD.
std::string http_version(const std::string& url, const HttpFetchLimits& limits);

// GETs `url`, handing the body of the final answer to `sink` piece by
// piece. Throws ImageFetchError naming the URL (and the redirect refused).
void http_fetch(const std::string& url, const HttpFetchLimits& limits,
                const std::function<void(const char*, std::size_t)>& sink);

// Why a redirect from `origin` (the URL first asked for) to `target` is
// refused, or "" when it may be followed. Exposed for tests.
std::string redirect_refusal(const std::string& origin, const std::string& target);

}  // namespace ingot::boot
