#include "boot/http_fetch.h"

#include <curl/curl.h>

#include <exception>
#include <memory>

#include "boot/image_fetch.h"
#include "common/strings.h"

namespace ingot::boot {
namespace {

using Curl = std::unique_ptr<CURL, void (*)(CURL*)>;

struct UrlParts {
    std::string scheme, host, port;
};

// Scheme, host and port (the scheme's default when not written) of a URL,
// as libcurl itself will understand it; nullopt when it cannot parse it.
std::optional<UrlParts> parts_of(const std::string& url) {
    std::unique_ptr<CURLU, void (*)(CURLU*)> u(curl_url(), curl_url_cleanup);
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        return std::nullopt;
    auto part = [&](CURLUPart what, unsigned flags) -> std::optional<std::string> {
        char* value = nullptr;
        if (curl_url_get(u.get(), what, &value, flags) != CURLUE_OK || !value) return std::nullopt;
        std::string out = value;
        curl_free(value);
        return out;
    };
    auto scheme = part(CURLUPART_SCHEME, 0);
    if (!scheme) return std::nullopt;
    UrlParts p{to_lower(*scheme), to_lower(part(CURLUPART_HOST, 0).value_or("")), ""};
    p.port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or("");
    return p;
}

std::string default_port(const std::string& scheme) {
    return scheme == "https" ? "443" : scheme == "http" ? "80" : "";
}

bool is_redirect(long status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Curl curl_for(const std::string& url) {
    Curl c(curl_easy_init(), curl_easy_cleanup);
    if (!c) throw ImageFetchError("Cannot fetch " + url + ": libcurl could not start");
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    // Nothing but http and https, and no redirect libcurl follows on its
    // own: perform() checks each one.
    curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 30L);
    // A stalled transfer (under 1 KiB/s for a minute) fails rather than
    // holding a conductor worker forever.
    curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    return c;
}

std::string mib(std::uint64_t bytes) {
    return std::to_string(bytes >> 20) + " MiB";
}

// The body of a 2xx answer, counted and capped; redirect and error bodies
// are dropped. A sink that throws stops the transfer and is rethrown.
struct Body {
    CURL* curl = nullptr;
    const std::function<void(const char*, std::size_t)>* sink = nullptr;
    std::uint64_t bytes = 0;
    std::uint64_t max = 0;
    bool too_large = false;
    std::exception_ptr error;
};

size_t write_body(char* data, size_t size, size_t n, void* user) {
    auto* b = static_cast<Body*>(user);
    long status = 0;
    curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status >= 300 || !b->sink) return size * n;
    b->bytes += size * n;
    if (b->max && b->bytes > b->max) {
        b->too_large = true;
        return 0;
    }
    try {
        (*b->sink)(data, size * n);
    } catch (...) {
        b->error = std::current_exception();
        return 0;
    }
    return size * n;
}

size_t collect_header(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    std::string lower = to_lower(line);
    if (starts_with(lower, "etag:") || starts_with(lower, "last-modified:") || starts_with(lower, "content-length:"))
        *static_cast<std::string*>(user) += trim(line) + ";";
    return size * n;
}

// The next URL of a redirect answer, checked; throws when it is refused.
std::string next_hop(CURL* c, const std::string& origin, long status, int hop, const HttpFetchLimits& limits) {
    char* location = nullptr;
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
    if (!location)
        throw ImageFetchError("Cannot fetch " + origin + ": HTTP " + std::to_string(status) +
                              " without a Location that can be followed");
    const std::string target = location;
    if (hop >= limits.max_redirects)
        throw ImageFetchError("Cannot fetch " + origin + ": more than " + std::to_string(limits.max_redirects) +
                              " redirects (the last to " + target + ")");
    if (auto why = redirect_refusal(origin, target); !why.empty())
        throw ImageFetchError("Cannot fetch " + origin + ": its redirect to " + target + " is refused: " + why);
    return target;
}

// Runs the request `setup` prepares, hop after hop, until an answer that is
// not a redirect; returns its status. `body` may be null (HEAD).
long perform(const std::string& origin, const HttpFetchLimits& limits, Body* body,
             const std::function<void(CURL*)>& setup) {
    std::string url = origin;
    for (int hop = 0;; ++hop) {
        Curl c = curl_for(url);
        setup(c.get());
        if (body) {
            *body = Body{c.get(), body->sink, 0, body->max, false, nullptr};
            curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, write_body);
            curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, body);
            if (body->max) curl_easy_setopt(c.get(), CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(body->max));
        }
        const CURLcode rc = curl_easy_perform(c.get());
        if (body && body->error) std::rethrow_exception(body->error);
        if ((body && body->too_large) || rc == CURLE_FILESIZE_EXCEEDED)
            throw ImageFetchError("Cannot fetch " + origin + ": it is larger than " + limits.size_option + " (" +
                                  mib(limits.max_bytes) + ")");
        long status = 0;
        curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
        if (rc == CURLE_OK && is_redirect(status)) {
            url = next_hop(c.get(), origin, status, hop, limits);
            continue;
        }
        const std::string where = url == origin ? origin : origin + " (redirected to " + url + ")";
        if (rc != CURLE_OK) throw ImageFetchError("Cannot fetch " + where + ": " + curl_easy_strerror(rc));
        return status;
    }
}

}  // namespace

std::string redirect_refusal(const std::string& origin, const std::string& target) {
    const auto t = parts_of(target);
    if (!t) return "it is not a URL";
    if (t->scheme != "http" && t->scheme != "https") return "only http:// and https:// redirects are followed";
    const auto o = parts_of(origin);
    if (t->port != default_port(t->scheme) && (!o || t->port != o->port))
        return "port " + t->port + " is neither the default port of " + t->scheme + " nor the port of " + origin;
    return "";
}

std::string http_version(const std::string& url, const HttpFetchLimits& limits) {
    std::string headers;
    const long status = perform(url, limits, nullptr, [&headers](CURL* c) {
        headers.clear();
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &headers);
    });
    // A server without HEAD (the conductor's own /boot/) gives no version:
    // the image is fetched each time, and the content address dedups it.
    if (status == 405 || status == 501) return "";
    if (status >= 400) throw ImageFetchError("Cannot fetch " + url + ": HTTP " + std::to_string(status));
    // A length alone says too little to trust a cached copy.
    return headers.find("etag") != std::string::npos || headers.find("ast-modified") != std::string::npos ? headers
                                                                                                          : "";
}

void http_fetch(const std::string& url, const HttpFetchLimits& limits,
                const std::function<void(const char*, std::size_t)>& sink) {
    Body body;
    body.sink = &sink;
    body.max = limits.max_bytes;
    const long status = perform(url, limits, &body, [](CURL*) {});
    if (status >= 400 || status < 200)
        throw ImageFetchError("Cannot fetch " + url + ": HTTP " + std::to_string(status));
}

}  // namespace ingot::boot
