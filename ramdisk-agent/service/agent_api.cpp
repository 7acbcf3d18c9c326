#include "ramdisk-agent/service/agent_api.h"

#include <chrono>

#include "common/json_input.h"
#include "common/log.h"
#include "http/router.h"

namespace ingot::agent::service {
namespace {

using http::Request;
using http::Response;

// The server sets Content-Type for a body; adding it here would send it twice.
// Messages may quote the request (a command id from the path), which need
// not be UTF-8: such bytes are replaced, or dump() would throw out of
// handle(), which must never throw.
Response json_response(int status, const json& body) {
    Response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
}

// What IPA's API answers for any error.
Response fault(int status, const std::string& message) {
    return json_response(status, {{"faultcode", status >= 500 ? "Server" : "Client"}, {"faultstring", message}});
}

struct HttpFault {
    int status;
    std::string message;
};

bool wants_wait(const Request& request) {
    auto wait = request.query_value("wait");
    if (!wait) return false;
    std::string v = *wait;
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v == "true";
}

// Answers with the result once its command is over, without holding the
// HTTP thread (the reply comes from the command's thread).
Response deferred_result(std::shared_ptr<CommandResult> result) {
    Response r;
    r.deferred = [result](http::Reply reply) {
        result->when_done([result, reply] { reply(json_response(200, result->to_json())); });
    };
    return r;
}

std::string strip_version(const std::string& path) {
    if (path == "/v1" || path == "/v1/") return "/v1";
    if (path.rfind("/v1/", 0) == 0) return path.substr(3);
    return path;
}

}  // namespace

AgentApi::AgentApi(CommandRegistry& registry, AgentToken& token, std::string version)
    : registry_(registry),
      token_(token),
      version_(std::move(version)),
      started_at_(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count()) {}

Response AgentApi::handle(Request& request) {
    try {
        return route(request);
    } catch (const HttpFault& f) {
        return fault(f.status, f.message);
    } catch (const AgentError& e) {
        return fault(e.code(), e.what());
    } catch (const std::exception& e) {
        log::error("agent.api_error", {{"path", request.path}, {"error", e.what()}});
        return fault(500, e.what());
    }
}

Response AgentApi::route(Request& request) {
    const std::string path = strip_version(request.path);
    auto segments = http::split_path(path);
    const std::string& method = request.method;
    if (segments.empty() || (segments.size() == 1 && segments[0] == "v1")) {
        if (method != "GET") throw HttpFault{405, "The method is not allowed for the requested URL."};
        return json_response(200, {{"name", "Ingot ramdisk agent API (IPA-compatible)"}, {"version", version_}});
    }
    if (segments.size() == 1 && segments[0] == "status") {
        if (method != "GET") throw HttpFault{405, "The method is not allowed for the requested URL."};
        return status();
    }
    if (segments[0] == "commands" && segments.size() <= 2) {
        if (segments.size() == 1 && method == "GET") return list_commands(request);
        if (segments.size() == 1 && method == "POST") return run_command(request);
        if (segments.size() == 2 && method == "GET") return get_command(request, segments[1]);
        throw HttpFault{405, "The method is not allowed for the requested URL."};
    }
    throw HttpFault{404, "The requested URL was not found on the server."};
}

Response AgentApi::status() const {
    return json_response(200, {{"started_at", started_at_}, {"version", version_}});
}

void AgentApi::check_get_token(const Request& request) {
    auto presented = request.query_value("agent_token");
    if (presented) get_token_support_ = true;
    if (get_token_support_ && !token_.accepts(presented)) throw HttpFault{401, "Token invalid."};
}

Response AgentApi::list_commands(const Request& request) {
    check_get_token(request);
    json list = json::array();
    for (const auto& r : registry_.results()) list.push_back(r->to_json());
    return json_response(200, {{"commands", list}});
}

Response AgentApi::get_command(const Request& request, const std::string& id) {
    check_get_token(request);
    auto result = registry_.result(id);
    if (wants_wait(request)) return deferred_result(result);
    return json_response(200, result->to_json());
}

Response AgentApi::run_command(const Request& request) {
    json body;
    try {
        body = parse_json(request.body);
    } catch (const JsonInputError&) {
        throw HttpFault{400, "Missing or invalid name or params"};
    }
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string() || !body.contains("params") ||
        !body["params"].is_object())
        throw HttpFault{400, "Missing or invalid name or params"};
    if (!token_.accepts(request.query_value("agent_token"))) throw HttpFault{401, "Token invalid."};
    auto result = registry_.execute(body["name"].get<std::string>(), body["params"]);
    if (wants_wait(request)) return deferred_result(result);
    return json_response(200, result->to_json());
}

}  // namespace ingot::agent::service
