// RFC 6902 JSON-patch as Ironic's API accepts it: only add, replace and
// remove; a value is required for add and replace; internal attributes
// cannot be touched, mandatory ones cannot be removed, and nothing new may be
// added at the root. Every problem is an InvalidInput (HTTP 400) naming the
// operation; the document is never partly changed.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace ingot::json_patch {

struct Rules {
    std::vector<std::string> internal;   // e.g. "/uuid", "/created_at": never patchable
    std::vector<std::string> mandatory;  // e.g. "/driver": cannot be removed
};

// Validates `patch` and returns `doc` with it applied.
nlohmann::json apply(const nlohmann::json& doc, const nlohmann::json& patch, const Rules& rules);

// The top-level attributes a (validated) patch touches, e.g. "driver_info".
std::vector<std::string> touched_roots(const nlohmann::json& patch);

}  // namespace ingot::json_patch
