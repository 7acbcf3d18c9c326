// Reading a JSON payload field by field while knowing where we are, so
// every refusal names the exact path (`disks[0].partitions[2].size`).
// Unknown fields are refused too: a typo must not silently drop a setting.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan::json_reader {

std::string join_path(const std::string& base, const std::string& key);
std::string index_path(const std::string& base, size_t i);

// `node` must be an object whose keys are all in `known`.
void expect_object(const nlohmann::json& node, const std::string& path, std::initializer_list<const char*> known);
// The array at node[key] (empty when absent unless `required`).
const nlohmann::json& array(const nlohmann::json& node, const char* key, const std::string& path,
                            bool required = false);
std::string string(const nlohmann::json& node, const char* key, const std::string& path, bool required = false,
                   const std::string& fallback = "");
// One of `allowed`; `fallback` when absent.
std::string choice(const nlohmann::json& node, const char* key, const std::string& path,
                   std::initializer_list<const char*> allowed, const std::string& fallback);
long long integer(const nlohmann::json& node, const char* key, const std::string& path, bool required = false,
                  long long fallback = 0);
bool boolean(const nlohmann::json& node, const char* key, const std::string& path, bool fallback);
Size size(const nlohmann::json& node, const char* key, const std::string& path, bool required = true);
std::vector<std::string> strings(const nlohmann::json& node, const char* key, const std::string& path);

}  // namespace ingot::agent::plan::json_reader
