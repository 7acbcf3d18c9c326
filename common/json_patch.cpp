#include "common/json_patch.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/errors.h"
#include "common/json_input.h"
#include "common/strings.h"

namespace ingot::json_patch {
namespace {

using nlohmann::json;

std::string root_of(const std::string& path) {
    auto second = path.find('/', 1);
    return path.substr(0, second);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

void validate_operation(const json& op, const Rules& rules) {
    if (!op.is_object()) throw InvalidInput("Invalid patch: each operation must be a JSON object.");
    for (auto it = op.begin(); it != op.end(); ++it) {
        if (it.key() != "op" && it.key() != "path" && it.key() != "value")
            throw InvalidInput("Invalid patch: unknown attribute '" + it.key() + "' in an operation.");
    }
    if (!op.contains("op") || !op["op"].is_string())
        throw InvalidInput("Invalid patch: every operation needs an 'op' string.");
    if (!op.contains("path") || !op["path"].is_string())
        throw InvalidInput("Invalid patch: every operation needs a 'path' string.");
    const std::string kind = op["op"].get<std::string>();
    const std::string path = op["path"].get<std::string>();
    if (kind != "add" && kind != "replace" && kind != "remove") {
        throw InvalidInput("Invalid input for field/attribute op. Value: '" + kind +
                           "'. Value should be one of: add, replace, remove");
    }
    // Ironic's path pattern: '/' followed by segments; no empty segment.
    if (path.size() < 2 || path[0] != '/' || path.back() == '/' || path.find("//") != std::string::npos)
        throw InvalidInput("Invalid input for field/attribute path. Value: '" + path + "'. Invalid path");
    const std::string root = root_of(path);
    if (contains(rules.internal, root))
        throw InvalidInput("'" + root + "' is an internal attribute and can not be updated");
    if (kind == "remove" && contains(rules.mandatory, path))
        throw InvalidInput("'" + path + "' is a mandatory attribute and can not be removed");
    if ((kind == "add" || kind == "replace") && !op.contains("value"))
        throw InvalidInput("'add' and 'replace' operations need a value");
}

// nlohmann asserts (and with NDEBUG silently does nothing) when "add" names
// a member of a string, number or boolean: refuse it first, as jsonpatch
// does ("unable to fully resolve json pointer").
void check_add_target(const json& doc, const std::string& path) {
    const json::json_pointer pointer(path);
    const json::json_pointer parent = pointer.parent_pointer();
    if (!doc.contains(parent)) return;  // nlohmann reports a missing parent itself
    const json& container = doc.at(parent);
    if (!container.is_object() && !container.is_array())
        throw InvalidInput("Invalid patch: unable to fully resolve json pointer " + path + ": " +
                           parent.to_string() + " is a " + container.type_name() + ", not an object or a list");
}

std::string without_exception_id(const json::exception& e) {
    // nlohmann reports e.g. "[json.exception.out_of_range.403] key 'x' not
    // found"; keep its detail, not its id.
    std::string what = e.what();
    auto bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

}  // namespace

json apply(const json& doc, const json& patch, const Rules& rules) {
    if (!patch.is_array()) throw InvalidInput("Invalid patch: the body must be a JSON array of operations.");
    for (const auto& op : patch) {
        validate_operation(op, rules);
        const std::string path = op["path"].get<std::string>();
        if (op["op"] == "add" && path.find('/', 1) == std::string::npos) {
            std::string key = path.substr(1);
            if (!doc.contains(key))
                throw InvalidInput("Adding a new attribute (" + path + ") to the root of the resource is not allowed.");
        }
    }
    // One operation at a time: what "add" may target depends on the
    // operations before it.
    json patched = doc;
    try {
        for (const auto& op : patch) {
            if (op["op"] == "add") check_add_target(patched, op["path"].get<std::string>());
            patched.patch_inplace(json::array({op}));
        }
    } catch (const json::exception& e) {
        throw InvalidInput("Invalid patch: " + without_exception_id(e));
    }
    // Each value is depth-checked when its body is parsed, but patches can
    // nest one into another, request after request, until dumping the
    // document would overflow the stack.
    if (json_depth(patched) > kMaxJsonDepth)
        throw InvalidInput("Invalid patch: the result would nest deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels.");
    return patched;
}

std::vector<std::string> touched_roots(const json& patch) {
    std::vector<std::string> out;
    for (const auto& op : patch) {
        std::string root = root_of(op["path"].get<std::string>()).substr(1);
        if (!contains(out, root)) out.push_back(root);
    }
    return out;
}

}  // namespace ingot::json_patch
