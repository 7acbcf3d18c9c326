// The two JSON shapes every Redfish view repeats: a link and a collection.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ingot::vbmc {

inline nlohmann::json odata_link(const std::string& path) {
    return {{"@odata.id", path}};
}

// `type` is the collection's schema name, e.g. "ComputerSystemCollection".
inline nlohmann::json odata_collection(const std::string& path, const std::string& type, const std::string& name,
                                       const std::vector<std::string>& member_paths) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& p : member_paths) members.push_back(odata_link(p));
    return {{"@odata.id", path},
            {"@odata.type", "#" + type + "." + type},
            {"Name", name},
            {"Members@odata.count", member_paths.size()},
            {"Members", members}};
}

}  // namespace ingot::vbmc
