#include "deploy/agent_client.h"

#include "common/ids.h"

#include <unistd.h>

#include "common/config.h"
#include "common/json_input.h"
#include "common/http_client.h"
#include "common/log.h"
#include "common/strings.h"

namespace ingot::deploy {
namespace {

// The largest answer an agent may give: its command list with every result
// so far (step lists, system logs). An agent is a machine on the
// provisioning network, so a bigger answer is refused, not read.
constexpr size_t kMaxAgentAnswerBytes = size_t{16} << 20;

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
    if (!object.is_object()) return "";
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& object_at(const json& node, const char* key) {
    static const json empty = json::object();
    auto it = node.find(key);
    return it != node.end() && it->is_object() ? *it : empty;
}

// What the agent's fault body says ({"faultstring": ...}), else its text.
std::string fault_of(const HttpResponse& r) {
    try {
        json body = parse_json(r.body);
        if (body.is_object()) {
            if (auto s = string_at(body, "faultstring"); !s.empty()) return s;
            if (auto s = string_at(body, "message"); !s.empty()) return s;
        }
    } catch (const JsonInputError&) {
    }
    return r.body.size() > 300 ? r.body.substr(0, 300) + "..." : r.body;
}

// A PEM certificate or bundle given inline rather than as a path.
bool is_pem(const std::string& value) {
    return value.find("-----BEGIN") != std::string::npos;
}

// How the agent's certificate is checked. The certificate the agent sent
// in its first heartbeat (auto-TLS) is pinned: it is the only one trusted,
// whatever driver_info or [agent] verify_ca say. Otherwise Ironic's order:
// the node's driver_info agent_verify_ca (a boolean, a CA bundle file or
// directory, or PEM), then [agent] verify_ca with the system's CAs.
TlsVerification agent_tls(const std::string& uuid, const json& internal, const json& driver_info, bool verify_ca) {
    TlsVerification tls;
    tls.verify = verify_ca;
    if (const std::string pinned = string_at(internal, "agent_verify_ca"); is_pem(pinned)) {
        tls.verify = true;
        tls.ca_pem = pinned;
        return tls;
    }
    auto it = driver_info.find("agent_verify_ca");
    if (it == driver_info.end() || it->is_null()) return tls;
    if (it->is_boolean()) {
        tls.verify = it->get<bool>();
        return tls;
    }
    if (!it->is_string()) throw AgentCommandError("driver_info agent_verify_ca of node " + uuid + " is not a string");
    const std::string value = it->get<std::string>();
    bool flag = false;
    if (config::parse_bool(value, flag)) {
        tls.verify = flag;
    } else if (is_pem(value)) {
        tls.verify = true;
        tls.ca_pem = value;
    } else if (access(value.c_str(), R_OK) == 0) {
        tls.verify = true;
        tls.ca_path = value;
    } else {
        throw AgentCommandError("Agent CA " + value + " is neither a path nor a boolean");
    }
    return tls;
}

}  // namespace

AgentClient::AgentClient(const json& node, AgentClientSettings settings) : settings_(settings) {
    node_uuid_ = string_at(node, "uuid");
    const json& internal = object_at(node, "driver_internal_info");
    agent_url_ = string_at(internal, "agent_url");
    while (!agent_url_.empty() && agent_url_.back() == '/') agent_url_.pop_back();
    if (agent_url_.empty())
        throw AgentConnectionFailed("Agent driver requires agent_url in driver_internal_info (node " + node_uuid_ +
                                    "): no agent has heartbeated yet");
    if (settings_.require_tls && !starts_with(to_lower(agent_url_), "https://"))
        throw AgentCommandError("The agent of node " + node_uuid_ + " serves plain HTTP at " + agent_url_ +
                                ": refused, as its token and the config drive would cross the network in clear "
                                "([agent] require_tls)");
    token_ = string_at(internal, "agent_secret_token");
    http_ = std::make_unique<HttpClient>(agent_url_, settings_.command_timeout);
    http_->set_connect_timeout(settings_.connect_timeout);
    http_->set_max_answer_bytes(kMaxAgentAnswerBytes);
    http_->set_tls_verification(agent_tls(node_uuid_, internal, object_at(node, "driver_info"), settings_.verify_ca));
}

AgentClient::~AgentClient() = default;

std::string AgentClient::query(const std::string& extra) const {
    std::string q = extra;
    if (!token_.empty()) q += (q.empty() ? "" : "&") + std::string("agent_token=") + percent_encode(token_);
    return q.empty() ? "" : "?" + q;
}

std::string AgentClient::scrub(std::string text) const {
    for (const std::string& secret : {token_, percent_encode(token_)}) {
        if (secret.empty()) continue;
        for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
            text.replace(at, secret.size(), "***");
    }
    return text;
}

json AgentClient::run(const std::string& name, const json& params, bool wait) {
    const std::string body = json{{"name", name}, {"params", params}}.dump();
    const std::string path = "/v1/commands/" + query(wait ? "wait=true" : "wait=false");
    // Never the params: they may hold a config drive or image credentials.
    log::debug("agent.command", {{"node", node_uuid_}, {"agent", agent_url_}, {"command", name}});
    HttpResponse r;
    for (int attempt = 1;; ++attempt) {
        try {
            r = http_->request("POST", path, body);
            break;
        } catch (const HttpAnswerTooLargeError& e) {
            throw AgentCommandError("Agent on node " + node_uuid_ + " at " + agent_url_ + " for command " + name +
                                    ": " + scrub(e.what()));
        } catch (const HttpConnectError& e) {
            if (attempt < std::max(1, settings_.max_command_attempts)) continue;
            throw AgentConnectionFailed("Failed to connect to the agent running on node " + node_uuid_ + " at " +
                                        agent_url_ + " for invoking command " + name + ". Error: " + scrub(e.what()));
        } catch (const HttpTransportError& e) {
            // The agent may have received the command and failed to answer
            // (Ironic sees this with TLS): if it runs it now, that is our answer.
            std::optional<json> last;
            try {
                last = last_command();
            } catch (const std::exception&) {
            }
            if (last && command_is(*last, name) && last->value("command_status", "") == "RUNNING") return *last;
            throw AgentConnectionFailed("Failed to connect to the agent running on node " + node_uuid_ + " at " +
                                        agent_url_ + " for invoking command " + name + ". Error: " + scrub(e.what()));
        }
    }
    if (r.status == 409) {
        throw AgentBusy("Agent on node " + node_uuid_ + " at " + agent_url_ + " is busy and cannot run " + name +
                        " now: " + scrub(fault_of(r)));
    }
    if (r.status >= 400) {
        const std::string fault = scrub(fault_of(r));
        if (to_lower(fault).find("agent is busy") != std::string::npos)
            throw AgentBusy("Agent on node " + node_uuid_ + " at " + agent_url_ + " is busy: " + fault);
        throw AgentCommandError("Agent API for node " + node_uuid_ + " at " + agent_url_ +
                                " returned HTTP status code " + std::to_string(r.status) + " for command " + name +
                                " with error: " + fault);
    }
    json result;
    try {
        result = parse_json(r.body);
    } catch (const JsonInputError&) {
        throw AgentCommandError("Agent on node " + node_uuid_ + " at " + agent_url_ + " answered command " + name +
                                " with a body that is not JSON (HTTP " + std::to_string(r.status) + ")");
    }
    if (!result.is_object() || !result.contains("command_status"))
        throw AgentCommandError("Agent on node " + node_uuid_ + " at " + agent_url_ +
                                " returned bad command result for " + name + ": no command_status");
    return result;
}

json AgentClient::commands() {
    const std::string path = "/v1/commands/" + query("");
    HttpResponse r;
    for (int attempt = 1;; ++attempt) {
        try {
            r = http_->request("GET", path);
            break;
        } catch (const HttpAnswerTooLargeError& e) {
            throw AgentCommandError("Agent on node " + node_uuid_ + " at " + agent_url_ +
                                    " listing its commands: " + scrub(e.what()));
        } catch (const HttpConnectError& e) {
            if (attempt < std::max(1, settings_.max_command_attempts)) continue;
            throw AgentConnectionFailed("Failed to connect to the agent running on node " + node_uuid_ + " at " +
                                        agent_url_ + " to collect commands status. Error: " + scrub(e.what()));
        } catch (const HttpTransportError& e) {
            throw AgentConnectionFailed("Failed to connect to the agent running on node " + node_uuid_ + " at " +
                                        agent_url_ + " to collect commands status. Error: " + scrub(e.what()));
        }
    }
    if (r.status >= 400)
        throw AgentCommandError("Agent API for node " + node_uuid_ + " at " + agent_url_ +
                                " returned HTTP status code " + std::to_string(r.status) +
                                " listing its commands with error: " + scrub(fault_of(r)));
    try {
        json body = parse_json(r.body);
        if (body.is_object() && body.contains("commands") && body["commands"].is_array()) return body["commands"];
    } catch (const JsonInputError&) {
    }
    throw AgentCommandError("Agent on node " + node_uuid_ + " at " + agent_url_ +
                            " answered GET /v1/commands/ without a \"commands\" list");
}

std::optional<json> AgentClient::last_command() {
    json list = commands();
    if (list.empty()) return std::nullopt;
    return list.back();
}

bool command_is(const json& command, const std::string& name) {
    const std::string reported = string_at(command, "command_name");
    if (reported == name) return true;
    auto dot = name.find('.');
    return dot != std::string::npos && reported == name.substr(dot + 1);
}

std::string command_error(const json& command) {
    auto it = command.find("command_error");
    if (it == command.end() || it->is_null()) return "Invalid agent response";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object()) {
        if (auto s = string_at(*it, "details"); !s.empty()) return s;
        if (auto s = string_at(*it, "message"); !s.empty()) return s;
    }
    return it->dump();
}

void forget_agent_after_power_off(json& internal) {
    if (!internal.is_object()) return;
    for (const char* key : {"agent_url", "agent_verify_ca", "agent_lookup_address", "agent_last_heartbeat",
                            "agent_cached_deploy_steps", "agent_cached_clean_steps"})
        internal.erase(key);
    if (internal.value("agent_secret_token_pregenerated", false) != true) internal.erase("agent_secret_token");
}

void forget_agent_connection(json& internal) {
    if (!internal.is_object()) return;
    forget_agent_after_power_off(internal);
    internal.erase("agent_secret_token");
    internal.erase("agent_secret_token_pregenerated");
}

bool agent_alive(const json& node, std::chrono::seconds timeout) {
    if (node.value("power_state", json()) != json("power on")) return false;
    const json internal = node.value("driver_internal_info", json::object());
    if (!internal.is_object() || internal.value("agent_url", std::string()).empty()) return false;
    const long long last = epoch_of_iso(internal.value("agent_last_heartbeat", std::string()));
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    return last > 0 && now - last <= timeout.count();
}

void forget_agent_progress(json& internal) {
    if (!internal.is_object()) return;
    for (const char* key :
         {"agent_cached_deploy_steps", "agent_cached_clean_steps", "hardware_manager_version", "deploy_steps",
          "deploy_step_index", "clean_steps", "clean_step_index", "agent_pending_command", "deployment_reboot",
          "cleaning_reboot", "deployment_polling", "cleaning_polling"})
        internal.erase(key);
}

}  // namespace ingot::deploy
