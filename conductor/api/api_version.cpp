#include "conductor/api/api_version.h"

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::api {
namespace {

std::string range_text() {
    return "The supported version range is: [" + kMinVersion.str() + ", " + kMaxVersion.str() + "].";
}

Version parse(const std::string& raw) {
    std::string text = trim(raw);
    if (to_lower(text) == "latest") return kMaxVersion;
    auto dot = text.find('.');
    long long major = 0, minor = 0;
    if (dot == std::string::npos || !parse_int(text.substr(0, dot), major) || !parse_int(text.substr(dot + 1), minor) ||
        text.find('+') != std::string::npos) {
        throw NotAcceptable("Invalid value for X-OpenStack-Ironic-API-Version header");
    }
    Version v{static_cast<int>(major), static_cast<int>(minor)};
    if (major != kMinVersion.major) {
        throw NotAcceptable("Mutually exclusive versions requested. Version " + v.str() +
                            " requested but not supported by this service. " + range_text());
    }
    if (v < kMinVersion || v > kMaxVersion) {
        throw NotAcceptable("Version " + v.str() +
                            " was requested but the minor version is not supported by this service. " + range_text());
    }
    return v;
}

// "baremetal 1.40" (possibly among other services, comma-separated).
std::optional<std::string> baremetal_part(const std::string& header) {
    for (const auto& item : split(header, ',')) {
        std::string t = trim(item);
        auto space = t.find(' ');
        if (space == std::string::npos) continue;
        if (to_lower(t.substr(0, space)) == "baremetal") return trim(t.substr(space + 1));
    }
    return std::nullopt;
}

}  // namespace

Version negotiate_version(const std::optional<std::string>& ironic_header,
                          const std::optional<std::string>& openstack_header) {
    // The standard header wins when both are present, as in Ironic.
    if (openstack_header) {
        if (auto v = baremetal_part(*openstack_header)) return parse(*v);
    }
    if (ironic_header) return parse(*ironic_header);
    return kMinVersion;
}

}  // namespace ingot::api
