#include "common/json_input.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ingot {

size_t json_text_depth(std::string_view text, size_t limit) {
    size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;  // the escaped character cannot end the string
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
            if (deepest > limit) return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

namespace {

// nlohmann's lexer reads a NUL byte as the end of the input, so that
// "{...}\0<anything>" would parse as "{...}" with the rest, even bytes
// that are not UTF-8, silently ignored. JSON text never holds a NUL (one
// inside a string must be escaped), so a text with one is refused.
bool has_nul(std::string_view text) {
    return text.find('\0') != std::string_view::npos;
}

}  // namespace

nlohmann::json parse_json(std::string_view text, size_t max_depth) {
    if (json_text_depth(text, max_depth) > max_depth)
        throw JsonInputError("JSON nested deeper than " + std::to_string(max_depth) + " levels");
    if (has_nul(text)) throw JsonInputError("JSON text holds a NUL byte");
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        // parse_error, and out_of_range for a number past double's range
        // ("1e999"), which would otherwise escape as an untyped error.
        throw JsonInputError(e.what());
    }
}

nlohmann::json try_parse_json(std::string_view text, size_t max_depth) {
    if (json_text_depth(text, max_depth) > max_depth || has_nul(text))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

size_t json_depth(const nlohmann::json& value, size_t limit) {
    size_t deepest = 0;
    std::vector<std::pair<const nlohmann::json*, size_t>> todo{{&value, 0}};
    while (!todo.empty()) {
        auto [node, depth] = todo.back();
        todo.pop_back();
        if (!node->is_structured()) continue;
        const size_t inner = depth + 1;
        if (inner > deepest) deepest = inner;
        if (deepest > limit) return deepest;
        for (const auto& child : *node) todo.emplace_back(&child, inner);
    }
    return deepest;
}

bool is_valid_utf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t extra;
        unsigned min, cp;
        if ((c & 0xE0) == 0xC0) {
            extra = 1, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;  // a continuation byte first, or 0xF8..0xFF
        }
        if (i + extra >= n) return false;  // cut short
        for (size_t k = 1; k <= extra; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace ingot
