#include "conductor/api/allowed_hosts.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "common/strings.h"

namespace ingot::api {
namespace {

// An IP literal of 127.0.0.0/8 or ::1, or the name localhost. Parsed, not
// prefix-matched: "127.0.0.1.evil.example" is a name anyone can point here.
bool is_loopback(const std::string& host) {
    if (host == "localhost" || host == "localhost.localdomain") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

std::string AllowedHosts::host_part(const std::string& name_or_url) {
    std::string s = trim(name_or_url);
    if (auto scheme = s.find("://"); scheme != std::string::npos) s = s.substr(scheme + 3);
    s = s.substr(0, s.find_first_of("/?#"));
    if (auto at = s.rfind('@'); at != std::string::npos) s = s.substr(at + 1);
    if (!s.empty() && s.front() == '[') {
        auto close = s.find(']');
        return to_lower(close == std::string::npos ? s.substr(1) : s.substr(1, close - 1));
    }
    // One colon is a port; several are a bare IPv6 address.
    auto colon = s.find(':');
    if (colon != std::string::npos && s.find(':', colon + 1) == std::string::npos) s = s.substr(0, colon);
    if (!s.empty() && s.back() == '.') s.pop_back();  // "example.com." is example.com
    return to_lower(s);
}

AllowedHosts::AllowedHosts(const std::vector<std::string>& names_or_urls) {
    for (const auto& n : names_or_urls) {
        std::string host = host_part(n);
        if (!host.empty()) names_.insert(host);
    }
}

bool AllowedHosts::allows(const http::Request& request) const {
    auto header = request.header("host");
    if (!header) return true;  // HTTP/1.0: links come from the configured address
    const std::string host = host_part(*header);
    if (host.empty()) return false;
    if (names_.count(host)) return true;
    if (host == to_lower(request.local_address)) return true;
    return is_loopback(host) && is_loopback(request.local_address);
}

}  // namespace ingot::api
