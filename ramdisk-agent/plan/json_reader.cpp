#include "ramdisk-agent/plan/json_reader.h"

#include <algorithm>
#include <cstring>

#include "common/strings.h"
#include "ramdisk-agent/plan/plan_error.h"

namespace ingot::agent::plan::json_reader {

using nlohmann::json;

std::string join_path(const std::string& base, const std::string& key) {
    return base.empty() ? key : base + "." + key;
}
std::string index_path(const std::string& base, size_t i) {
    return base + "[" + std::to_string(i) + "]";
}

namespace {
const json& null_json() {
    static const json n;
    return n;
}
const json& field(const json& node, const char* key) {
    auto it = node.find(key);
    return it == node.end() ? null_json() : *it;
}
}  // namespace

void expect_object(const json& node, const std::string& path, std::initializer_list<const char*> known) {
    if (!node.is_object()) throw PlanError(path, "must be an object, not " + node.dump());
    for (const auto& item : node.items()) {
        // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
        const std::string& key = item.key();
        bool ok = std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; });
        if (!ok) {
            std::vector<std::string> names(known.begin(), known.end());
            throw PlanError(join_path(path, key), "unknown field (known: " + join(names, ", ") + ")");
        }
    }
}

const json& array(const json& node, const char* key, const std::string& path, bool required) {
    static const json empty = json::array();
    const json& v = field(node, key);
    if (v.is_null()) {
        if (required) throw PlanError(join_path(path, key), "is required");
        return empty;
    }
    if (!v.is_array()) throw PlanError(join_path(path, key), "must be a list, not " + v.dump());
    return v;
}

std::string string(const json& node, const char* key, const std::string& path, bool required,
                   const std::string& fallback) {
    const json& v = field(node, key);
    if (v.is_null()) {
        if (required) throw PlanError(join_path(path, key), "is required");
        return fallback;
    }
    if (!v.is_string()) throw PlanError(join_path(path, key), "must be a string, not " + v.dump());
    if (required && v.get<std::string>().empty()) throw PlanError(join_path(path, key), "must not be empty");
    return v.get<std::string>();
}

std::string choice(const json& node, const char* key, const std::string& path,
                   std::initializer_list<const char*> allowed, const std::string& fallback) {
    std::string v = string(node, key, path, false, fallback);
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return v == a; })) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        throw PlanError(join_path(path, key), "\"" + v + "\" is not one of " + join(names, ", "));
    }
    return v;
}

long long integer(const json& node, const char* key, const std::string& path, bool required, long long fallback) {
    const json& v = field(node, key);
    if (v.is_null()) {
        if (required) throw PlanError(join_path(path, key), "is required");
        return fallback;
    }
    // Ironic sends some integers as strings ("root_mb": "1024").
    long long n = 0;
    if (v.is_number_integer()) return v.get<long long>();
    if (v.is_string() && parse_int(v.get<std::string>(), n)) return n;
    throw PlanError(join_path(path, key), "must be an integer, not " + v.dump());
}

bool boolean(const json& node, const char* key, const std::string& path, bool fallback) {
    const json& v = field(node, key);
    if (v.is_null()) return fallback;
    if (!v.is_boolean()) throw PlanError(join_path(path, key), "must be true or false, not " + v.dump());
    return v.get<bool>();
}

Size size(const json& node, const char* key, const std::string& path, bool required) {
    const json& v = field(node, key);
    if (v.is_null()) {
        if (required) throw PlanError(join_path(path, key), "is required");
        return Size::remaining();
    }
    auto s = Size::parse(v);
    if (!s) throw PlanError(join_path(path, key), v.dump() + " is not a size (MiB, %, or remaining)");
    return *s;
}

std::vector<std::string> strings(const json& node, const char* key, const std::string& path) {
    std::vector<std::string> out;
    const json& list = array(node, key, path);
    for (size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_string()) throw PlanError(index_path(join_path(path, key), i), "must be a string");
        out.push_back(list[i].get<std::string>());
    }
    return out;
}

}  // namespace ingot::agent::plan::json_reader
