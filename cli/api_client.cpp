#include "cli/api_client.h"
#include "common/json_input.h"

#include <set>

namespace ingot::cli {
namespace {

// Newlines in a faultstring (tracebacks, wrapped text) would break the
// one-line error contract; fold all whitespace runs into single spaces.
std::string one_line(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        bool ws = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        if (ws) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string string_field(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

// faultstring (API errors), then description, then title (routing errors,
// whose description may be empty, e.g. 405).
std::string message_from_object(const json& obj) {
    for (const char* key : {"faultstring", "description", "title"}) {
        std::string text = string_field(obj, key);
        if (!text.empty()) return text;
    }
    return {};
}

}  // namespace

std::string error_message_from_body(long status, std::string_view body) {
    json outer = try_parse_json(body);
    if (outer.is_object()) {
        std::string message;
        auto it = outer.find("error_message");
        if (it != outer.end() && it->is_string()) {
            // The double encoding: a JSON document inside a JSON string.
            json inner = try_parse_json(it->get<std::string>());
            message = inner.is_object() ? message_from_object(inner) : it->get<std::string>();
        } else if (it != outer.end() && it->is_object()) {
            message = message_from_object(*it);
        } else {
            message = message_from_object(outer);
        }
        if (!message.empty()) return one_line(message);
    }
    std::string text = one_line(body);
    if (text.size() > 300) text = text.substr(0, 300) + "...";
    if (!text.empty()) return text;
    return "the server answered with no explanation";
}

ApiClient::ApiClient(const std::string& url, std::chrono::milliseconds timeout, const std::string& api_version)
    : http_(url, timeout) {
    http_.set_default_header("X-OpenStack-Ironic-API-Version", api_version);
    // The operator's own conductor: room for a detailed list of every node.
    http_.set_max_answer_bytes(size_t{1} << 30);
}

json ApiClient::call(std::string_view method, const std::string& path, const json* body) {
    std::string text = body ? body->dump() : std::string();
    HttpResponse response = http_.request(method, path, text);
    if (response.status < 200 || response.status >= 300)
        throw ApiError(response.status, error_message_from_body(response.status, response.body));
    if (response.body.empty()) return nullptr;
    json parsed = try_parse_json(response.body);
    if (parsed.is_discarded())
        throw std::runtime_error("the server's answer to " + std::string(method) + " " + path + " is not JSON");
    return parsed;
}

json ApiClient::get(const std::string& path) {
    return call("GET", path, nullptr);
}
json ApiClient::post(const std::string& path, const json& body) {
    return call("POST", path, &body);
}
json ApiClient::put(const std::string& path, const json& body) {
    return call("PUT", path, &body);
}
json ApiClient::patch(const std::string& path, const json& body) {
    return call("PATCH", path, &body);
}
json ApiClient::remove(const std::string& path) {
    return call("DELETE", path, nullptr);
}

json ApiClient::list(const std::string& path, Query query, const std::string& key, std::optional<long long> limit) {
    if (limit && *limit > 0) query.add("limit", std::to_string(*limit));
    json items = json::array();
    std::string url = path + query.str();
    // A server that hands out the same `next` twice would loop forever.
    std::set<std::string> seen;
    while (true) {
        json page = get(url);
        auto it = page.find(key);
        if (!page.is_object() || it == page.end() || !it->is_array())
            throw std::runtime_error("the server's answer to GET " + url + " has no \"" + key + "\" list");
        for (auto& item : *it) items.push_back(std::move(item));
        if (!limit) break;
        if (*limit > 0 && static_cast<long long>(items.size()) >= *limit) break;
        auto next = page.find("next");
        if (next == page.end() || !next->is_string() || next->get<std::string>().empty()) break;
        url = resolve_next_link(next->get<std::string>(), http_.base_url());
        if (!seen.insert(url).second) break;
    }
    if (limit && *limit > 0 && static_cast<long long>(items.size()) > *limit)
        items.erase(items.begin() + *limit, items.end());
    return items;
}

}  // namespace ingot::cli
