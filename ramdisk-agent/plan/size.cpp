#include <cctype>
#include <limits>

#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan {

namespace {
// Strictly digits then a known suffix; "1.5GiB" is refused rather than
// rounded so that a plan never silently differs from what was asked.
std::optional<Size> parse_text(const std::string& text) {
    if (text == "remaining") return Size::remaining();
    size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == 0 || i > 15) return std::nullopt;
    std::uint64_t n = std::stoull(text.substr(0, i));
    std::string unit = text.substr(i);
    if (unit == "%") {
        if (n == 0 || n > 100) return std::nullopt;
        return Size::percent(n);
    }
    std::uint64_t factor = 0;
    if (unit.empty() || unit == "M" || unit == "MiB")
        factor = 1;
    else if (unit == "G" || unit == "GiB")
        factor = 1024;
    else if (unit == "T" || unit == "TiB")
        factor = 1024 * 1024;
    if (factor == 0 || n == 0) return std::nullopt;
    return Size::mib(n * factor);
}
}  // namespace

std::optional<Size> Size::parse(const nlohmann::json& value) {
    if (value.is_number_unsigned() || (value.is_number_integer() && value.get<long long>() > 0)) {
        auto n = value.get<std::uint64_t>();
        if (n == 0) return std::nullopt;
        return Size::mib(n);
    }
    if (value.is_string()) return parse_text(value.get<std::string>());
    return std::nullopt;
}

std::string Size::to_string() const {
    switch (kind) {
        case Kind::mib:
            return std::to_string(value) + "MiB";
        case Kind::percent:
            return std::to_string(value) + "%";
        case Kind::remaining:
            return "remaining";
    }
    return "";
}

}  // namespace ingot::agent::plan
