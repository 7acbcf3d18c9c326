#include "conductor/api/dispatcher.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <exception>

#include "common/errors.h"
#include "common/ids.h"
#include "common/json_input.h"
#include "common/log.h"
#include "common/strings.h"

namespace ingot::api {
namespace {

const char* reason_phrase(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 406:
            return "Not Acceptable";
        case 409:
            return "Conflict";
        case 413:
            return "Request Entity Too Large";
        case 503:
            return "Service Unavailable";
        default:
            return "Internal Server Error";
    }
}

// Errors raised before a controller runs (unknown path, wrong method,
// unsupported version) come from the web framework in Ironic and have the
// webob shape {"code", "title", "description"} inside error_message.
std::string protocol_error_body(int status, const std::string& description) {
    std::string inner = "{\"code\": " + std::to_string(status) +
                        ", \"title\": " + nlohmann::json(reason_phrase(status)).dump() +
                        ", \"description\": " +
                        nlohmann::json(description).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                        "}";
    return nlohmann::json{{"error_message", inner}}.dump();
}

Response json_error(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

void add_version_headers(Response& r, const Version* negotiated) {
    r.headers.emplace_back("X-OpenStack-Ironic-API-Minimum-Version", kMinVersion.str());
    r.headers.emplace_back("X-OpenStack-Ironic-API-Maximum-Version", kMaxVersion.str());
    if (negotiated) r.headers.emplace_back("X-OpenStack-Ironic-API-Version", negotiated->str());
}

}  // namespace

std::string fault_body(int status, const std::string& message) {
    // Appended piecewise: GCC 12 warns falsely (-Warray-bounds) on one long '+' chain here.
    std::string inner = "{\"faultcode\": \"";
    inner += status >= 500 ? "Server" : "Client";
    inner += "\", \"faultstring\": ";
    // Messages quote what the client sent; bytes that are not UTF-8 must
    // not turn an error answer into an exception.
    inner += nlohmann::json(message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    inner += ", \"debuginfo\": null}";
    return nlohmann::json{{"error_message", inner}}.dump();
}

Response error_response(const std::exception_ptr& error, const std::string& request_id) {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        if (e.http_status() >= 500) log::error("api.error", {{"request_id", request_id}, {"error", e.what()}});
        return json_error(e.http_status(), fault_body(e.http_status(), e.what()));
    } catch (const nlohmann::json::exception& e) {
        // Request bodies are parsed and checked into typed errors before a
        // controller reads them (parse_json, node_input); a library error
        // here is a controller reading its own data wrongly: our bug, a 500.
        log::error("api.json_misuse", {{"request_id", request_id}, {"error", e.what()}, {"id", std::to_string(e.id)}});
    } catch (const std::exception& e) {
        log::error("api.unhandled", {{"request_id", request_id}, {"error", e.what()}});
    } catch (...) {
        log::error("api.unhandled", {{"request_id", request_id}, {"error", "unknown exception"}});
    }
    return json_error(
        500, fault_body(500, "An internal error occurred; see the conductor log, request " + request_id + "."));
}

Dispatcher::Dispatcher(Router router, size_t max_body_bytes)
    : Dispatcher(std::move(router), DispatcherOptions{max_body_bytes}) {}

Dispatcher::Dispatcher(Router router, DispatcherOptions options)
    : router_(std::move(router)), options_(std::move(options)) {
    // Four threads: enough to keep a few bcrypt runs or Keystone round
    // trips going at once; the backlog bounds what a flood of bad
    // passwords can queue (503 past it).
    if (options_.authenticator) auth_workers_ = std::make_unique<conductor::WorkerPool>(4, 256);
}

Response Dispatcher::route(Request& request) const {
    Router::Match m;
    try {
        m = router_.match(request.method, request.path);
    } catch (const Error& e) {
        return json_error(e.http_status(), fault_body(e.http_status(), e.what()));
    }
    if (!m.handler) {
        if (!m.allowed.empty()) {
            Response r = json_error(405, protocol_error_body(405, ""));
            r.headers.emplace_back("Allow", join(m.allowed, ", "));
            return r;
        }
        return json_error(404, protocol_error_body(404, "The resource could not be found."));
    }
    request.params = std::move(m.params);
    for (const auto& [name, value] : request.params)
        if (!is_valid_utf8(value)) return json_error(400, fault_body(400, "Invalid UTF-8 in the request path."));
    const bool versioned = starts_with(request.path, "/v1");
    if (versioned) {
        try {
            request.version = negotiate_version(request.header("x-openstack-ironic-api-version"),
                                                request.header("openstack-api-version"));
        } catch (const NotAcceptable& e) {
            Response r = json_error(406, protocol_error_body(406, e.what()));
            // Ironic omits the range headers when the value is not a version at all.
            if (!starts_with(e.what(), "Invalid value")) add_version_headers(r, nullptr);
            return r;
        }
    }
    Response r;
    try {
        if (request.body.size() > options_.max_body_bytes) {
            throw PayloadTooLarge("Request is too large: " + std::to_string(request.body.size()) +
                                  " bytes, the limit is " + std::to_string(options_.max_body_bytes) + " bytes.");
        }
        r = (*m.handler)(request);
    } catch (...) {
        r = error_response(std::current_exception(), request.request_id);
        // 503s (a full pool, Keystone down) are logged where they arise;
        // one ERROR line per request would flood the log under load.
        if (r.status == 500)
            log::error("api.failed_request", {{"request_id", request.request_id},
                                              {"method", request.method},
                                              {"path", request.path},
                                              {"status", std::to_string(r.status)}});
    }
    if (versioned) add_version_headers(r, &request.version);
    if (r.deferred) {
        // The headers computed now belong on the final answer too.
        auto headers = r.headers;
        auto inner = std::move(r.deferred);
        r.deferred = [inner, headers](Reply reply) {
            inner([reply, headers](Response final) {
                for (const auto& h : headers) final.headers.push_back(h);
                reply(std::move(final));
            });
        };
    }
    return r;
}

namespace {

void log_request(const Request& request, int status, std::chrono::steady_clock::time_point started) {
    if (!log::enabled(log::Level::info)) return;
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    log::info("api.request", {{"request_id", request.request_id},
                              {"method", request.method},
                              {"path", request.path},
                              {"status", std::to_string(status)},
                              {"duration_ms", std::to_string(micros.count() / 1000.0)}});
}

// Ironic's unauthenticated routes: the version documents, and the agent's
// lookup and heartbeat (bound to the agent token instead).
bool is_public(const std::string& path) {
    const auto segments = http::split_path(path);
    if (segments.empty()) return true;
    if (segments[0] != "v1") return false;
    if (segments.size() == 1) return true;
    return (segments.size() == 2 && segments[1] == "lookup") || (segments.size() == 3 && segments[1] == "heartbeat");
}

// Writes carry JSON, and say so: a browser cannot send that cross-site
// without asking first (CORS preflight), so a forged form post or a
// text/plain fetch() from another page is refused here.
bool json_write(const Request& request) {
    if (request.method != "POST" && request.method != "PUT" && request.method != "PATCH") return true;
    auto type = request.header("content-type");
    if (!type) return request.body.empty();
    std::string media = to_lower(trim(type->substr(0, type->find(';'))));
    return media == "application/json" || (starts_with(media, "application/") && ends_with(media, "+json"));
}

bool query_is_utf8(const Request& request) {
    for (const auto& [name, value] : request.query)
        if (!is_valid_utf8(name) || !is_valid_utf8(value)) return false;
    return true;
}

}  // namespace

Response Dispatcher::checked(Request& request) const {
    if (!request.query_error.empty())
        return json_error(400, fault_body(400, "Invalid percent-encoding in the query string."));
    if (!query_is_utf8(request)) return json_error(400, fault_body(400, "Invalid UTF-8 in the query string."));
    if (!options_.allowed_hosts.allows(request)) {
        log::warning("api.host_refused", {{"host", request.header("host").value_or("")},
                                          {"client", request.remote_address}});
        return json_error(400, fault_body(400, "The Host header names no address of this service; add the name "
                                               "to [api] allowed_hosts or set [api] public_endpoint."));
    }
    if (!options_.public_endpoint.empty())
        request.base_url = options_.public_endpoint;
    else if (auto host = request.header("host"))
        request.base_url = (request.scheme.empty() ? "http" : request.scheme) + "://" + *host;
    else
        request.base_url = options_.fallback_base_url;
    if (!json_write(request))
        return json_error(415, fault_body(415, "The request body must be JSON (Content-Type: application/json)."));
    return authenticated(request);
}

Response Dispatcher::authenticated(Request& request) const {
    if (!options_.authenticator) {
        request.caller = conductor::auth::noauth_caller();
        return route(request);
    }
    // Anonymous: the version documents say nothing secret, and lookup and
    // heartbeat are bound to the agent's token instead.
    if (is_public(request.path)) return route(request);
    std::optional<http::Caller> caller;
    try {
        caller = options_.authenticator->lookup(request);
    } catch (const Unauthorized& e) {
        return unauthorized(e.what());
    }
    if (caller) {
        request.caller = std::move(*caller);
        return route(request);
    }
    // The credentials need a slow check: off this thread, and the request
    // continues on the authentication thread that did it.
    auto waiting = std::make_shared<Request>(request);
    Response r;
    r.deferred = [this, waiting](Reply reply) {
        const bool queued = auth_workers_->try_submit([this, waiting, reply] {
            Response final = verify_then_route(*waiting);
            if (final.deferred)
                final.deferred(reply);
            else
                reply(std::move(final));
        });
        if (!queued) reply(json_error(503, fault_body(503, "Too many requests are waiting to be authenticated.")));
    };
    return r;
}

Response Dispatcher::verify_then_route(Request& request) const {
    try {
        request.caller = options_.authenticator->verify(request);
    } catch (const Unauthorized& e) {
        return unauthorized(e.what());
    } catch (const std::exception& e) {
        // Keystone unreachable, say: the caller is not at fault, and
        // keystonemiddleware answers 503 then too.
        log::error("api.auth_failed", {{"request_id", request.request_id}, {"error", e.what()}});
        return json_error(503, fault_body(503, "Authentication is unavailable; try again later."));
    }
    return route(request);
}

Response Dispatcher::unauthorized(const std::string& message) const {
    Response r = json_error(401, fault_body(401, message));
    const std::string challenge = options_.authenticator->challenge();
    if (!challenge.empty()) r.headers.emplace_back("WWW-Authenticate", challenge);
    return r;
}

Response Dispatcher::handle(Request& request) const {
    auto started = std::chrono::steady_clock::now();
    request.request_id = "req-" + generate_uuid();
    Response r = checked(request);
    r.headers.emplace_back("OpenStack-Request-Id", request.request_id);
    if (!r.deferred) {
        log_request(request, r.status, started);
        return r;
    }
    auto inner = std::move(r.deferred);
    r.deferred = [inner, request, started](Reply reply) {
        inner([reply, request, started](Response final) {
            final.headers.emplace_back("OpenStack-Request-Id", request.request_id);
            log_request(request, final.status, started);
            reply(std::move(final));
        });
    };
    return r;
}

}  // namespace ingot::api
