// Ironic API microversions: "1.N". Requests name one in
// X-OpenStack-Ironic-API-Version or OpenStack-API-Version: baremetal 1.N;
// no header means the minimum (1.1), "latest" the maximum.
#pragma once

#include <compare>
#include <optional>
#include <string>

#include "http/message.h"

namespace ingot::api {

using http::Version;

inline constexpr Version kMinVersion{1, 1};
inline constexpr Version kMaxVersion{1, 82};

// Negotiates from the two header values (either may be absent). Throws
// NotAcceptable with Ironic's message for malformed or unsupported values.
Version negotiate_version(const std::optional<std::string>& ironic_header,
                          const std::optional<std::string>& openstack_header);

}  // namespace ingot::api
