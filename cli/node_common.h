// What the node command files share: the interface names a node can
// override, the link fields hidden from tables, and the node's URL.
#pragma once

#include <array>
#include <set>
#include <string>
#include <string_view>

#include "cli/url.h"

namespace ingot::cli {

// The per-node interface fields of API 1.82 (`<name>_interface`);
// firmware_interface only arrives in 1.86.
inline constexpr std::array<std::string_view, 12> kNodeInterfaces = {"bios",    "boot",       "console", "deploy",
                                                                     "inspect", "management", "network", "power",
                                                                     "raid",    "rescue",     "storage", "vendor"};

// Navigation links, noise in a table (still in -f json), as in `baremetal`.
inline const std::set<std::string> kNodeLinkFields = {"links", "ports", "portgroups", "states", "volume"};

// "/v1/nodes/<uuid or name>".
inline std::string node_path(std::string_view ident) {
    return "/v1/nodes/" + path_segment(ident);
}

}  // namespace ingot::cli
