// Turning command-line arguments into request bodies the way
// python-ironicclient does: "key=value" pairs into objects, and set/unset
// options into RFC 6902 JSON-patch operations.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ingot::cli {

using nlohmann::json;

struct KeyValue {
    std::string key;
    json value;
};

// "key=value", split at the first '='. The value is JSON-decoded when it
// parses ("4" -> 4, "true" -> true, '{"a":1}' -> object) and kept as a
// string otherwise ("1.2.3.4"), exactly as ironicclient's
// split_and_deserialize. UsageError if there is no '=' or no key.
KeyValue parse_key_value(std::string_view arg);

// Several "key=value" into one object (later keys win).
json key_values_to_object(const std::vector<std::string>& args);

class Patch {
public:
    void add(const std::string& path, json value);
    void remove(const std::string& path);
    // "add /<field>/<key>" for each "key=value". A '/' in the key reaches
    // into nested objects, as with ironicclient (so it is not escaped).
    void add_key_values(std::string_view field, const std::vector<std::string>& args);
    void remove_keys(std::string_view field, const std::vector<std::string>& keys);

    bool empty() const { return ops_.empty(); }
    const json& ops() const { return ops_; }

private:
    json ops_ = json::array();
};

}  // namespace ingot::cli
