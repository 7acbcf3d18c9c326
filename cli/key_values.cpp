#include "cli/key_values.h"

#include "cli/cli_errors.h"
#include "common/json_input.h"

namespace ingot::cli {

KeyValue parse_key_value(std::string_view arg) {
    size_t eq = arg.find('=');
    if (eq == std::string_view::npos || eq == 0)
        throw UsageError("attributes must be KEY=VALUE, not \"" + std::string(arg) + "\"");
    KeyValue kv{std::string(arg.substr(0, eq)), nullptr};
    std::string_view text = arg.substr(eq + 1);
    json decoded = try_parse_json(text);
    kv.value = decoded.is_discarded() ? json(std::string(text)) : std::move(decoded);
    return kv;
}

json key_values_to_object(const std::vector<std::string>& args) {
    json obj = json::object();
    for (const auto& arg : args) {
        KeyValue kv = parse_key_value(arg);
        obj[kv.key] = std::move(kv.value);
    }
    return obj;
}

void Patch::add(const std::string& path, json value) {
    ops_.push_back({{"op", "add"}, {"path", path}, {"value", std::move(value)}});
}

void Patch::remove(const std::string& path) {
    ops_.push_back({{"op", "remove"}, {"path", path}});
}

void Patch::add_key_values(std::string_view field, const std::vector<std::string>& args) {
    for (const auto& arg : args) {
        KeyValue kv = parse_key_value(arg);
        add("/" + std::string(field) + "/" + kv.key, std::move(kv.value));
    }
}

void Patch::remove_keys(std::string_view field, const std::vector<std::string>& keys) {
    for (const auto& key : keys) {
        if (key.empty()) throw UsageError("an empty key cannot be unset from " + std::string(field));
        remove("/" + std::string(field) + "/" + key);
    }
}

}  // namespace ingot::cli
