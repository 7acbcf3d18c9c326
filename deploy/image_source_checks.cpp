#include "deploy/image_source_checks.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "interfaces/base_interface.h"

namespace ingot::deploy {
namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
    if (!object.is_object()) return "";
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? trim(it->get<std::string>()) : "";
}

bool is_hex(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

}  // namespace

void check_image_checksum_algorithm(const json& instance_info, const std::string& node, bool allow_md5) {
    if (allow_md5) return;
    std::string field;
    // The multihash wins when given, as the agent reads it; else the legacy
    // checksum, whose algorithm its length tells (32 hex digits: MD5).
    if (!string_at(instance_info, "image_os_hash_value").empty()) {
        if (to_lower(string_at(instance_info, "image_os_hash_algo")) == "md5") field = "image_os_hash_algo";
    } else if (const std::string legacy = string_at(instance_info, "image_checksum");
               legacy.size() == 32 && is_hex(legacy)) {
        field = "image_checksum";
    }
    if (field.empty()) return;
    throw interfaces::InvalidParameter(
        "Node " + node + ": instance_info/" + field +
        " is an MD5 checksum, which is refused ([agent] allow_md5_checksum is false): give "
        "image_os_hash_algo sha256 or sha512 with image_os_hash_value.");
}

void check_local_image_source(const json& instance_info, const FileSourcePolicy& policy) {
    const std::string source = string_at(instance_info, "image_source");
    open_local_href(source, policy, "instance_info/image_source");
}

}  // namespace ingot::deploy
