#include "power/redfish_links.h"

#include "common/strings.h"

namespace ingot::power {
namespace {

struct Origin {
    std::string scheme;
    std::string host;  // lower case, IPv6 in brackets
    std::string port;  // the scheme's default when not written
};

std::string default_port(const std::string& scheme) {
    return scheme == "https" ? "443" : scheme == "http" ? "80" : "";
}

// "host", "host:port", "[v6]", "[v6]:port" of `scheme`; empty host when
// the authority is malformed or carries user information.
Origin origin_of(const std::string& scheme, const std::string& authority) {
    Origin o{to_lower(scheme), "", default_port(to_lower(scheme))};
    if (authority.empty() || authority.find_first_of("@ \t\r\n\\") != std::string::npos) return o;
    size_t port_colon = std::string::npos;
    if (authority.front() == '[') {
        const size_t close = authority.find(']');
        if (close == std::string::npos) return o;
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') return o;
            port_colon = close + 1;
        }
    } else {
        port_colon = authority.find(':');
        if (port_colon != std::string::npos && authority.find(':', port_colon + 1) != std::string::npos) return o;
    }
    o.host = to_lower(authority.substr(0, port_colon));
    if (port_colon != std::string::npos) {
        const std::string port = authority.substr(port_colon + 1);
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
            o.host.clear();
            return o;
        }
        o.port = std::to_string(std::stoul(port));
    }
    return o;
}

std::string shown(const Origin& o) {
    return o.scheme + "://" + o.host + (o.port == default_port(o.scheme) ? "" : ":" + o.port);
}

bool has_control_or_space(const std::string& s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return true;
    return false;
}

[[noreturn]] void foreign(const std::string& bmc, const std::string& link, const std::string& why) {
    throw RedfishForeignLink("The Redfish BMC " + bmc + " pointed at " + link + ", " + why +
                             ": Ingot only follows links on the BMC itself and sends it nothing elsewhere");
}

}  // namespace

std::string bmc_path(const std::string& bmc_address, const std::string& link) {
    if (has_control_or_space(link)) foreign(bmc_address, link, "which holds blanks or control characters");
    if (starts_with(link, "/") && !starts_with(link, "//")) return link;
    const size_t bmc_sep = bmc_address.find("://");
    const Origin bmc = origin_of(bmc_address.substr(0, bmc_sep), bmc_address.substr(bmc_sep + 3));
    std::string scheme = bmc.scheme, rest;
    if (starts_with(link, "//")) {
        rest = link.substr(2);  // a network-path reference: the BMC's scheme
    } else if (const size_t sep = link.find("://"); sep != std::string::npos) {
        scheme = link.substr(0, sep);
        rest = link.substr(sep + 3);
    } else {
        foreign(bmc_address, link, "which is neither a path nor an absolute URL");
    }
    const size_t path_start = rest.find_first_of("/?#");
    const Origin target = origin_of(scheme, rest.substr(0, path_start));
    if (target.host.empty()) foreign(bmc_address, link, "whose host cannot be read");
    if (target.scheme != bmc.scheme || target.host != bmc.host || target.port != bmc.port)
        foreign(bmc_address, link, "a host other than its own (" + shown(target) + " is not " + shown(bmc) + ")");
    std::string path = path_start == std::string::npos ? "/" : rest.substr(path_start);
    if (path.front() != '/') path = "/" + path;
    const size_t fragment = path.find('#');
    return fragment == std::string::npos ? path : path.substr(0, fragment);
}

}  // namespace ingot::power
