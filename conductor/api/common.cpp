#include "conductor/api/common.h"

#include <algorithm>

#include "common/config.h"
#include "common/errors.h"
#include "common/json_input.h"
#include "common/strings.h"

namespace ingot::api {

json parse_json_body(const Request& request) {
    try {
        return parse_json(request.body);
    } catch (const JsonInputError& e) {
        throw InvalidInput(std::string("Invalid JSON in request body: ") + e.what());
    }
}

json parse_object_body(const Request& request) {
    json body = parse_json_body(request);
    if (!body.is_object()) throw InvalidInput("Invalid input: the request body must be a JSON object.");
    return body;
}

Response collection_response(const std::string& key, json items, const std::string& next) {
    json body = {{key, std::move(items)}};
    if (!next.empty()) body["next"] = next;
    return json_response(200, body);
}

std::string base_url(const conductor::Context& ctx, const Request& request) {
    return ctx.public_endpoint.empty() ? request.base_url : ctx.public_endpoint;
}

json links(const std::string& base, const std::string& path) {
    return json::array(
        {{{"href", base + "/v1/" + path}, {"rel", "self"}}, {{"href", base + "/" + path}, {"rel", "bookmark"}}});
}

Response json_response(int status, const json& body) {
    Response r;
    r.status = status;
    // Replace rather than throw: a byte that is not UTF-8 (from a BMC, a
    // plugin) must not turn a good answer into a 500.
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

std::optional<bool> query_bool(const Request& request, const std::string& name) {
    auto raw = request.query_value(name);
    if (!raw) return std::nullopt;
    bool value = false;
    if (!config::parse_bool(*raw, value))
        throw InvalidInput("Invalid value for " + name + ": '" + *raw + "' is not a valid boolean value.");
    return value;
}

void check_query_args(const Request& request, const std::vector<std::string>& allowed) {
    std::vector<std::string> unexpected;
    for (const auto& [name, value] : request.query) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end() &&
            std::find(unexpected.begin(), unexpected.end(), name) == unexpected.end())
            unexpected.push_back(name);
    }
    if (!unexpected.empty()) throw InvalidInput("Unexpected arguments: " + join(unexpected, ", "));
}

std::optional<std::vector<std::string>> query_fields(const Request& request) {
    auto raw = request.query_value("fields");
    if (!raw) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& f : split(*raw, ',')) {
        // Lower-cased and deduplicated, as Ironic's string_list does.
        std::string t = to_lower(trim(f));
        if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
    return out;
}

Page parse_page(const Request& request, long long max_limit, const std::vector<std::string>& sortable) {
    Page page;
    page.limit = max_limit;
    if (auto raw = request.query_value("limit")) {
        long long limit = 0;
        if (!parse_int(*raw, limit)) throw InvalidInput("Expected an integer for limit: " + *raw);
        if (limit <= 0) throw InvalidInput("Limit must be positive");
        page.limit = std::min(limit, max_limit);
    }
    page.marker = request.query_value("marker");
    if (auto key = request.query_value("sort_key")) {
        bool ok = false;
        for (const auto& s : sortable) ok = ok || s == *key;
        if (!ok) throw InvalidInput("The sort_key value \"" + *key + "\" is an invalid field for sorting");
        page.sort_key = *key;
    }
    if (auto dir = request.query_value("sort_dir")) {
        if (*dir != "asc" && *dir != "desc")
            throw InvalidInput("Invalid sort direction: " + *dir + ". Acceptable values are 'asc' or 'desc'");
        page.descending = *dir == "desc";
    }
    return page;
}

std::string next_link(const std::string& base, const std::string& resource, const Request& request, const Page& page,
                      size_t returned, const std::string& last_marker,
                      const std::vector<std::pair<std::string, std::string>>& extra) {
    if (returned == 0 || static_cast<long long>(returned) < page.limit) return "";
    std::vector<std::string> args;
    for (const auto& [k, v] : request.query) {
        if (k == "limit" || k == "marker") continue;
        args.push_back(percent_encode(k) + "=" + percent_encode(v));
    }
    for (const auto& [k, v] : extra) args.push_back(percent_encode(k) + "=" + percent_encode(v));
    args.push_back("limit=" + std::to_string(page.limit));
    args.push_back("marker=" + percent_encode(last_marker));
    return base + "/v1/" + resource + "?" + join(args, "&");
}

}  // namespace ingot::api
