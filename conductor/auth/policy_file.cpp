#include "conductor/auth/policy_file.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <unordered_set>

#include "common/errors.h"

namespace ingot::conductor::auth {

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("cannot read policy file " + path + ": " + std::strerror(errno));
    std::string text;
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxPolicyFileSize)
            throw ConfigError("policy file " + path + " is larger than " + std::to_string(kMaxPolicyFileSize) +
                              " bytes");
    }
    if (in.bad()) throw ConfigError("cannot read policy file " + path + ": " + std::strerror(errno));
    return text;
}

bool all_of(std::string_view s, std::string_view allowed) {
    return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

// A YAML number: [sign] digits [. digits] [exponent], 0x..., 0o..., .inf or
// .nan (underscores allowed, as YAML 1.1 does). Written by hand: std::regex
// recurses per character and a long value would exhaust the stack.
bool looks_numeric(std::string_view s) {
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    if (s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN") return true;
    if (s.starts_with("0x")) return all_of(s.substr(2), "0123456789abcdefABCDEF_");
    if (s.starts_with("0o")) return all_of(s.substr(2), "01234567_");
    if (std::size_t e = s.find_first_of("eE"); e != std::string_view::npos) {
        std::string_view exponent = s.substr(e + 1);
        if (!exponent.empty() && (exponent.front() == '-' || exponent.front() == '+')) exponent.remove_prefix(1);
        if (!all_of(exponent, "0123456789")) return false;
        s = s.substr(0, e);
    }
    if (s.find_first_of("0123456789") == std::string_view::npos) return false;
    std::size_t dot = s.find('.');
    if (dot != std::string_view::npos && s.find('.', dot + 1) != std::string_view::npos) return false;
    return all_of(s, "0123456789_.");
}

// YAML resolves these plain (unquoted) scalars to null, booleans or numbers
// (PyYAML, which oslo.policy uses, follows YAML 1.1: yes/no/on/off too), so
// oslo.policy would not receive a string; a null would even read as "allow
// everyone" there. Such a value is refused rather than guessed at.
const char* non_string_kind(const YAML::Node& value) {
    if (value.IsNull()) return "has no value (write \"\" to allow everyone, \"!\" to deny)";
    if (!value.IsScalar()) return "is not a string";
    if (value.Tag() != "?") return nullptr;  // quoted or explicitly tagged: a string
    static constexpr std::string_view kWords[] = {"y",  "Y",  "yes",  "Yes",  "YES",  "n",     "N",     "no",
                                                  "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
                                                  "on", "On", "ON",   "off",  "Off",  "OFF"};
    const std::string& text = value.Scalar();
    for (std::string_view w : kWords)
        if (text == w) return "is not a string (put it in quotes)";
    if (looks_numeric(text)) return "is not a string (put it in quotes)";
    return nullptr;
}

std::string where(const std::string& path, const YAML::Mark& mark) {
    return path + ":" + std::to_string(mark.line + 1);
}

}  // namespace

std::vector<PolicyFileEntry> read_policy_file(const std::string& path) {
    const std::string text = read_text(path);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::DeepRecursion& e) {
        // yaml-cpp stops at its depth limit with the message "bad file".
        throw ConfigError("policy file " + where(path, e.mark) + ": not valid YAML: nested too deeply");
    } catch (const YAML::Exception& e) {
        // e.msg is yaml-cpp's description without its own position prefix.
        throw ConfigError("policy file " + where(path, e.mark) + ":" + std::to_string(e.mark.column + 1) +
                          ": not valid YAML: " + e.msg);
    }
    std::vector<PolicyFileEntry> entries;
    if (root.IsNull()) return entries;
    if (!root.IsMap()) throw ConfigError("policy file " + path + " must be a mapping of rule names to check strings");
    std::unordered_set<std::string> seen;
    for (const auto& item : root) {
        const YAML::Node& key = item.first;
        const YAML::Node& value = item.second;
        if (!key.IsScalar() || key.Scalar().empty())
            throw ConfigError("policy file " + where(path, key.Mark()) + ": a rule name must be a non-empty string");
        const std::string& name = key.Scalar();
        if (const char* problem = non_string_kind(value))
            throw ConfigError("policy file " + where(path, key.Mark()) + ": rule '" + name + "' " + problem);
        if (!seen.insert(name).second)
            throw ConfigError("policy file " + where(path, key.Mark()) + ": rule '" + name + "' is defined twice");
        entries.push_back({name, value.Scalar(), key.Mark().line + 1});
    }
    return entries;
}

}  // namespace ingot::conductor::auth
