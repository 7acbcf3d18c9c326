// The Ironic /v1 API as the CLI uses it: JSON in and out, the microversion
// header on every call, errors turned into ApiError with the server's own
// message, and collections gathered across `next` links.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "cli/cli_errors.h"
#include "cli/url.h"
#include "common/http_client.h"

namespace ingot::cli {

using nlohmann::json;

// The human message inside an Ironic error body. Ironic wraps a JSON
// *string* in {"error_message": ...}: for API errors it encodes
// {faultcode, faultstring, debuginfo}; for routing errors (404 unknown path,
// 405, 406) it encodes {code, title, description}. Anything else falls back
// to the body text, then to the status. Always one line.
std::string error_message_from_body(long status, std::string_view body);

class ApiClient {
public:
    ApiClient(const std::string& url, std::chrono::milliseconds timeout, const std::string& api_version);

    // Each returns the parsed body, or null for an empty one (202, 204).
    // Non-2xx throws ApiError; transport failures throw HttpTransportError.
    json get(const std::string& path);
    json post(const std::string& path, const json& body);
    json put(const std::string& path, const json& body);
    json patch(const std::string& path, const json& body);
    json remove(const std::string& path);

    // GET `path` + `query` and return the items under `key`.
    // `limit`: nullopt -> one request, the server's page size (as
    // `baremetal` does without --limit); 0 -> follow `next` to the end;
    // N -> follow `next` until N items.
    json list(const std::string& path, Query query, const std::string& key, std::optional<long long> limit);

    const std::string& base_url() const { return http_.base_url(); }

    void set_basic_auth(const std::string& user, const std::string& password) { http_.set_basic_auth(user, password); }
    void set_token(const std::string& token) { http_.set_default_header("X-Auth-Token", token); }
    void set_tls(TlsVerification tls) { http_.set_tls_verification(std::move(tls)); }

private:
    json call(std::string_view method, const std::string& path, const json* body);

    HttpClient http_;
};

}  // namespace ingot::cli
