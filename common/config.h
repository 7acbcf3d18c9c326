// INI configuration in the style of ironic.conf. Every option is declared
// once as an OptionSpec (name, type, default, help); the same declarations
// validate a file, supply defaults, and generate etc/ingot.conf.sample, so
// the sample cannot drift from the code. A bad file stops start-up with a
// ConfigError naming the file, line, section and option.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ingot::config {

enum class Type { string, integer, boolean, list, choice };

struct OptionSpec {
    std::string section;  // "DEFAULT", "api", ...
    std::string name;
    Type type = Type::string;
    std::string default_value;  // as written in the file; "" means unset
    std::string help;
    std::vector<std::string> choices;  // for Type::choice
    long long min = 0;                 // for Type::integer
    long long max = 0;                 // for Type::integer; min == max means unbounded
};

class Config {
public:
    // Defaults only.
    explicit Config(std::vector<OptionSpec> specs);
    // Reads and validates `path`; throws ConfigError on any problem.
    void load_file(const std::string& path);
    // Sets one value, validating it (used by tests and command-line overrides).
    void set(const std::string& section, const std::string& name, const std::string& value);

    std::string get_string(const std::string& section, const std::string& name) const;
    long long get_int(const std::string& section, const std::string& name) const;
    bool get_bool(const std::string& section, const std::string& name) const;
    std::vector<std::string> get_list(const std::string& section, const std::string& name) const;

    const std::vector<OptionSpec>& specs() const { return specs_; }

private:
    const OptionSpec& spec(const std::string& section, const std::string& name) const;
    void check_value(const OptionSpec& spec, const std::string& value, const std::string& where) const;

    std::vector<OptionSpec> specs_;
    std::map<std::pair<std::string, std::string>, std::string> values_;
};

// The text of a sample file documenting every option with its default.
std::string render_sample(const std::vector<OptionSpec>& specs, const std::string& title);

bool parse_bool(const std::string& text, bool& out);
std::vector<std::string> split_list(const std::string& text);

}  // namespace ingot::config
