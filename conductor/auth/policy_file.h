// Reads an oslo.policy file: a YAML (or JSON) mapping of rule name to check
// string, such as Ironic's policy.yaml.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ingot::conductor::auth {

struct PolicyFileEntry {
    std::string name;
    std::string check;
    int line = 0;  // 1-based, for errors about the rule
};

// A policy file is an operator's few overrides; anything larger is a mistake.
inline constexpr std::size_t kMaxPolicyFileSize = 1024 * 1024;

// The entries in file order. Throws ConfigError naming the file (and the
// line and rule) when the file cannot be read, is not YAML, is not a
// mapping, names a rule twice, or gives a rule anything but a string. An
// empty file has no entries.
std::vector<PolicyFileEntry> read_policy_file(const std::string& path);

}  // namespace ingot::conductor::auth
