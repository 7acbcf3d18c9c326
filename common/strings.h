// Small string helpers used across Ingot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ingot {

std::string trim(std::string_view s);
std::string to_lower(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& items, std::string_view sep);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Strict: the whole text must be a base-10 integer that fits.
bool parse_int(std::string_view text, long long& out);
// RFC 3986 percent-decoding; '+' is kept as is. Returns false on a bad escape.
bool percent_decode(std::string_view in, std::string& out);
// Encodes everything but RFC 3986 unreserved characters (and ',' which Ironic
// leaves readable in `fields=` lists).
std::string percent_encode(std::string_view in);

}  // namespace ingot
