// Helpers every controller uses: body parsing, links, JSON responses,
// query parameters, and collection pagination as Ironic does it.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "conductor/api/http.h"
#include "conductor/context.h"
#include "db/store.h"

namespace ingot::api {

using nlohmann::json;

// The request body as JSON (e.g. a JSON-patch array); 400 if malformed.
json parse_json_body(const Request& request);
// The request body as a JSON object; 400 with Ironic's wording otherwise.
json parse_object_body(const Request& request);

// A collection: {"<key>": [...], "next": "<url>"}, `next` only when given.
Response collection_response(const std::string& key, json items, const std::string& next);

// "http://host:port" from [api] public_endpoint or the request.
std::string base_url(const conductor::Context& ctx, const Request& request);

// [{"href": base/v1/<path>, "rel": "self"}, {"href": base/<path>, "rel": "bookmark"}]
json links(const std::string& base, const std::string& path);

Response json_response(int status, const json& body);

// Query flags: true/false/1/0/yes/no/on/off (any case); 400 naming the parameter otherwise.
std::optional<bool> query_bool(const Request& request, const std::string& name);

// 400 "Unexpected arguments: x, y" for query parameters not in `allowed`,
// as Ironic refuses them.
void check_query_args(const Request& request, const std::vector<std::string>& allowed);

// The `fields` parameter split on commas, or nothing when absent.
std::optional<std::vector<std::string>> query_fields(const Request& request);

struct Page {
    long long limit = 0;                // effective limit (capped at max_limit)
    std::optional<std::string> marker;  // uuid (or hostname for conductors) of the last item seen
    std::string sort_key = "id";
    bool descending = false;
};

// Parses limit/marker/sort_key/sort_dir. `sortable` lists the keys that may
// be sorted on; anything else is refused as Ironic does.
Page parse_page(const Request& request, long long max_limit, const std::vector<std::string>& sortable);

// The `next` link for a full page: the request's other parameters plus
// limit and marker, as Ironic builds it; empty when the page was not full.
std::string next_link(const std::string& base, const std::string& resource, const Request& request, const Page& page,
                      size_t returned, const std::string& last_marker,
                      const std::vector<std::pair<std::string, std::string>>& extra = {});

}  // namespace ingot::api
