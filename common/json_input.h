// JSON from outside the process (request bodies, BMC and agent answers,
// files) is parsed only through here. nlohmann's parser is iterative, but
// copying, comparing and dumping a document recurse once per level, so a
// body nested 100,000 levels deep would overflow the stack long after it
// was parsed. The depth is therefore checked on the text, before anything
// is built, and on documents that grow by later edits (JSON patch).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string_view>

#include "common/errors.h"

namespace ingot {

// Deep enough for every document Ingot reads (Redfish is about 8 levels).
inline constexpr size_t kMaxJsonDepth = 64;

// Malformed, too deep, or not UTF-8: a 400 in the API.
class JsonInputError : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

// Parses `text`; throws JsonInputError naming the problem.
nlohmann::json parse_json(std::string_view text, size_t max_depth = kMaxJsonDepth);

// The same, but a discarded value (is_discarded()) instead of an exception.
nlohmann::json try_parse_json(std::string_view text, size_t max_depth = kMaxJsonDepth);

// How deeply `text` nests arrays and objects, counted without parsing
// (brackets inside strings do not count); stops counting past `limit`.
size_t json_text_depth(std::string_view text, size_t limit);

// The nesting depth of a document (a scalar is 0), computed without
// recursion; stops past `limit`.
size_t json_depth(const nlohmann::json& value, size_t limit = kMaxJsonDepth + 1);

// Whether `text` is well-formed UTF-8 (no overlongs, surrogates or values
// past U+10FFFF), which nlohmann's dump() insists on.
bool is_valid_utf8(std::string_view text);

}  // namespace ingot
