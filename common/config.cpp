#include "common/config.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::config {

bool parse_bool(const std::string& text, bool& out) {
    std::string t = to_lower(text);
    // oslo's strict bool_from_string set.
    if (t == "true" || t == "1" || t == "yes" || t == "on" || t == "t" || t == "y") {
        out = true;
        return true;
    }
    if (t == "false" || t == "0" || t == "no" || t == "off" || t == "f" || t == "n") {
        out = false;
        return true;
    }
    return false;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    for (auto& item : split(text, ',')) {
        std::string t = trim(item);
        if (!t.empty()) out.push_back(t);
    }
    return out;
}

Config::Config(std::vector<OptionSpec> specs) : specs_(std::move(specs)) {
    for (const auto& s : specs_) values_[{s.section, s.name}] = s.default_value;
}

const OptionSpec& Config::spec(const std::string& section, const std::string& name) const {
    for (const auto& s : specs_)
        if (s.section == section && s.name == name) return s;
    throw ConfigError("unknown option [" + section + "] " + name);
}

void Config::check_value(const OptionSpec& s, const std::string& value, const std::string& where) const {
    auto bad = [&](const std::string& why) {
        throw ConfigError(where + "invalid value '" + value + "' for [" + s.section + "] " + s.name + ": " + why);
    };
    switch (s.type) {
        case Type::string:
        case Type::list:
            return;
        case Type::boolean: {
            bool b;
            if (!parse_bool(value, b)) bad("expected true or false");
            return;
        }
        case Type::integer: {
            long long v = 0;
            if (!parse_int(value, v)) bad("expected an integer");
            if (s.min != s.max && (v < s.min || v > s.max))
                bad("must be between " + std::to_string(s.min) + " and " + std::to_string(s.max));
            return;
        }
        case Type::choice:
            if (std::find(s.choices.begin(), s.choices.end(), value) == s.choices.end())
                bad("expected one of " + join(s.choices, ", "));
            return;
    }
}

void Config::set(const std::string& section, const std::string& name, const std::string& value) {
    const OptionSpec& s = spec(section, name);
    check_value(s, value, "");
    values_[{section, name}] = value;
}

void Config::load_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read configuration file " + path);
    std::string line, section;
    int lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        std::string where = path + ":" + std::to_string(lineno) + ": ";
        std::string t = trim(line);
        if (t.empty() || t[0] == '#' || t[0] == ';') continue;
        if (t.front() == '[') {
            if (t.back() != ']') throw ConfigError(where + "malformed section header '" + t + "'");
            section = trim(t.substr(1, t.size() - 2));
            bool known =
                std::any_of(specs_.begin(), specs_.end(), [&](const OptionSpec& s) { return s.section == section; });
            if (!known) throw ConfigError(where + "unknown section [" + section + "]");
            continue;
        }
        auto eq = t.find('=');
        if (eq == std::string::npos) throw ConfigError(where + "expected 'option = value', got '" + t + "'");
        if (section.empty()) throw ConfigError(where + "option outside of a section");
        std::string name = trim(t.substr(0, eq));
        std::string value = trim(t.substr(eq + 1));
        const OptionSpec* s = nullptr;
        for (const auto& candidate : specs_)
            if (candidate.section == section && candidate.name == name) s = &candidate;
        if (!s) throw ConfigError(where + "unknown option [" + section + "] " + name);
        check_value(*s, value, where);
        values_[{section, name}] = value;
    }
}

std::string Config::get_string(const std::string& section, const std::string& name) const {
    spec(section, name);
    return values_.at({section, name});
}

long long Config::get_int(const std::string& section, const std::string& name) const {
    long long v = 0;
    parse_int(get_string(section, name), v);
    return v;
}

bool Config::get_bool(const std::string& section, const std::string& name) const {
    bool b = false;
    parse_bool(get_string(section, name), b);
    return b;
}

std::vector<std::string> Config::get_list(const std::string& section, const std::string& name) const {
    return split_list(get_string(section, name));
}

std::string render_sample(const std::vector<OptionSpec>& specs, const std::string& title) {
    std::ostringstream out;
    out << "# " << title << "\n#\n# Every option with its default. Uncomment a line to change it.\n";
    std::vector<std::string> sections;
    for (const auto& s : specs)
        if (std::find(sections.begin(), sections.end(), s.section) == sections.end()) sections.push_back(s.section);
    for (const auto& section : sections) {
        out << "\n[" << section << "]\n";
        for (const auto& s : specs) {
            if (s.section != section) continue;
            out << "\n";
            std::istringstream help(s.help);
            std::string line;
            while (std::getline(help, line)) out << "# " << line << "\n";
            if (s.type == Type::choice) out << "# One of: " << join(s.choices, ", ") << ".\n";
            if (s.type == Type::integer && s.min != s.max) out << "# Range: " << s.min << " to " << s.max << ".\n";
            out << "#" << s.name << " = " << s.default_value << "\n";
        }
    }
    return out.str();
}

}  // namespace ingot::config
