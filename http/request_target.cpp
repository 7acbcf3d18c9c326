#include "http/request_target.h"

#include <algorithm>

#include "common/strings.h"

namespace ingot::http {
namespace {

// Form encoding: '+' is a space (python-requests sends spaces this way).
bool decode_query_component(std::string_view raw, std::string& out) {
    std::string plus(raw);
    std::replace(plus.begin(), plus.end(), '+', ' ');
    return percent_decode(plus, out);
}

}  // namespace

std::string split_target(std::string_view target, Request& request) {
    if (target.empty() || target.front() != '/') return "The request target must be a path.";
    const auto question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question == std::string_view::npos) return "";
    for (const auto& part : split(target.substr(question + 1), '&')) {
        if (part.empty()) continue;
        const auto equals = part.find('=');
        std::string name, value;
        const std::string_view raw_name = std::string_view(part).substr(0, equals);
        const std::string_view raw_value =
            equals == std::string::npos ? std::string_view() : std::string_view(part).substr(equals + 1);
        if (!decode_query_component(raw_name, name) || !decode_query_component(raw_value, value)) {
            request.query_error = "Invalid percent-encoding in query string: " + part;
            continue;
        }
        request.query.emplace_back(std::move(name), std::move(value));
    }
    return "";
}

}  // namespace ingot::http
