#include "power/redfish_client.h"

#include <thread>

#include "common/http_client.h"
#include "common/json_input.h"
#include "common/log.h"
#include "common/strings.h"
#include "power/redfish_links.h"
#include "power/redfish_sessions.h"

namespace ingot::power {
namespace {

// Redfish resources are small JSON documents; a BMC that sends more is
// broken or hostile, and its answer is refused rather than read.
constexpr size_t kMaxBmcAnswerBytes = size_t{4} << 20;

using nlohmann::json;
using Clock = std::chrono::steady_clock;

bool is_retryable_status(const std::string& method, long status) {
    // An action that got 500 may have run; only 503 says it did not.
    if (method == "POST") return status == 503;
    return status >= 500;
}

// The most useful text of a Redfish error body, or the raw body cut short.
std::string error_text(const std::string& body) {
    json doc = try_parse_json(body);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
        const json& e = doc["error"];
        std::string text = e.value("message", std::string());
        if (auto info = e.find("@Message.ExtendedInfo"); info != e.end() && info->is_array()) {
            for (const auto& m : *info)
                if (m.is_object() && m.contains("Message") && m["Message"].is_string())
                    text += (text.empty() ? "" : " ") + m["Message"].get<std::string>();
        }
        if (!text.empty()) return text;
    }
    std::string raw = body.substr(0, 200);
    for (char& c : raw)
        if (c == '\n' || c == '\r') c = ' ';
    return raw.empty() ? "no details" : raw;
}

}  // namespace

RedfishClient::RedfishClient(RedfishConnection connection, const RedfishSettings& settings, std::string node)
    : connection_(std::move(connection)), settings_(settings), node_(std::move(node)) {
    if (connection_.auth_type.empty()) connection_.auth_type = settings_.auth_type;
    session_key_ = redfish_sessions::key_for(connection_);
    http_ = redfish_sessions::take_connection(session_key_);
    if (!http_) {
        http_ = std::make_unique<HttpClient>(connection_.address, settings_.request_timeout);
        http_->set_tls_verification({connection_.verify_tls, connection_.ca_path});
        http_->set_max_answer_bytes(kMaxBmcAnswerBytes);
    }
}

RedfishClient::~RedfishClient() {
    if (http_) redfish_sessions::return_connection(session_key_, std::move(http_));
}

std::string RedfishClient::bmc() const {
    return "Redfish BMC " + connection_.address;
}

json RedfishClient::get(const std::string& path) {
    HttpResponse r = send("GET", path, "");
    json doc = try_parse_json(r.body);
    if (!doc.is_object()) {
        throw interfaces::BmcError(bmc() + " answered GET " + path + " for node " + node_ +
                                   " with malformed JSON (HTTP " + std::to_string(r.status) + ", " +
                                   std::to_string(r.body.size()) + " bytes)");
    }
    return doc;
}

void RedfishClient::patch(const std::string& path, const json& body) {
    send("PATCH", path, body.dump());
}

void RedfishClient::post_action(const std::string& path, const json& body) {
    HttpResponse r = send("POST", path, body.dump());
    if (r.status == 202) {
        if (auto monitor = r.header("Location")) wait_for_task(*monitor);
    }
}

void RedfishClient::wait_for_task(const std::string& monitor) {
    const auto deadline = Clock::now() + settings_.task_timeout;
    auto pause = std::chrono::milliseconds(200);
    while (true) {
        HttpResponse r = send("GET", monitor, "");
        if (r.status == 204) return;
        json task = try_parse_json(r.body);
        const std::string state = task.is_object() ? task.value("TaskState", std::string()) : std::string();
        if (r.status != 202 && state != "Running" && state != "New" && state != "Starting" && state != "Pending") {
            const std::string status = task.is_object() ? task.value("TaskStatus", std::string("OK")) : "OK";
            if ((state.empty() || state == "Completed") && (status == "OK" || status == "Warning")) return;
            std::string messages;
            if (task.is_object() && task.contains("Messages") && task["Messages"].is_array())
                for (const auto& m : task["Messages"])
                    if (m.is_object() && m.contains("Message") && m["Message"].is_string())
                        messages += " " + m["Message"].get<std::string>();
            throw interfaces::BmcError(bmc() + " task " + monitor + " for node " + node_ + " ended " +
                                       (state.empty() ? "badly" : state) + " with status " + status + ":" +
                                       (messages.empty() ? " no details" : messages));
        }
        if (Clock::now() + pause > deadline) {
            throw interfaces::BmcError(bmc() + " task " + monitor + " for node " + node_ + " did not finish within " +
                                       std::to_string(settings_.task_timeout.count() / 1000) + " s");
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(2000));
    }
}

std::string RedfishClient::on_bmc(const std::string& link) const {
    try {
        return bmc_path(connection_.address, link);
    } catch (const RedfishForeignLink& e) {
        throw RedfishForeignLink(std::string(e.what()) + " (node " + node_ + ")");
    }
}

HttpResponse RedfishClient::send(const std::string& method, const std::string& link, const std::string& body) {
    // Every request, whatever its path came from, stays on the BMC.
    const std::string path = on_bmc(link);
    const int attempts = std::max(1, settings_.connection_attempts);
    for (int attempt = 1;; ++attempt) {
        std::string failure;
        try {
            HttpResponse r = send_once(method, path, body);
            if (r.status >= 200 && r.status < 300) return r;
            if (!is_retryable_status(method, r.status) || attempt == attempts) fail(method, path, r);
            failure = "HTTP " + std::to_string(r.status);
        } catch (const HttpTlsError& e) {
            // A certificate does not start verifying on the next try.
            throw interfaces::BmcError(bmc() + " for node " + node_ + ": " + e.what() +
                                       " (set driver_info/redfish_verify_ca to the CA that signed it)");
        } catch (const HttpTimeoutError& e) {
            // A POST that timed out may have been carried out: do not repeat it.
            if (method == "POST" || attempt == attempts)
                throw interfaces::BmcError(bmc() + " did not answer " + method + " " + path + " for node " + node_ +
                                           ": " + e.what());
            failure = e.what();
        } catch (const HttpTransportError& e) {
            if (attempt == attempts)
                throw interfaces::BmcError("Cannot reach " + bmc() + " for node " + node_ + " after " +
                                           std::to_string(attempts) + " attempts: " + e.what());
            failure = e.what();
        }
        log::warning("redfish.retry", {{"node", node_},
                                       {"bmc", connection_.address},
                                       {"request", method + " " + path},
                                       {"attempt", std::to_string(attempt)},
                                       {"error", failure}});
        std::this_thread::sleep_for(settings_.connection_retry_interval);
    }
}

HttpResponse RedfishClient::send_once(const std::string& method, const std::string& path, const std::string& body) {
    for (int login = 0;; ++login) {
        auto session = redfish_sessions::find(session_key_);
        const bool want_session = connection_.auth_type != "basic" && !connection_.username.empty();
        if (want_session && !(session && (session->basic_only || !session->token.empty()))) {
            log_in();
            session = redfish_sessions::find(session_key_);
        }
        HttpHeaders headers;
        const bool use_token = want_session && session && !session->basic_only && !session->token.empty();
        if (use_token) {
            http_->set_basic_auth("", "");
            headers.emplace_back("X-Auth-Token", session->token);
        } else {
            http_->set_basic_auth(connection_.username, connection_.password);
        }
        HttpResponse r = http_->request(method, path, body, headers);
        // An expired or revoked token: log in again once.
        if (r.status == 401 && use_token && login == 0) {
            redfish_sessions::forget(session_key_, session->token);
            continue;
        }
        return r;
    }
}

void RedfishClient::log_in() {
    http_->set_basic_auth("", "");
    std::string sessions_path = connection_.root_prefix + "/SessionService/Sessions";
    HttpResponse root = http_->request("GET", connection_.root_prefix);
    if (root.status == 200) {
        json doc = try_parse_json(root.body);
        if (doc.is_object() && doc.contains("Links") && doc["Links"].is_object()) {
            const json& links = doc["Links"];
            if (auto s = links.find("Sessions");
                s != links.end() && s->is_object() && s->contains("@odata.id") && (*s)["@odata.id"].is_string())
                sessions_path = (*s)["@odata.id"].get<std::string>();
        }
    }
    // The credentials go to the BMC or nowhere.
    sessions_path = on_bmc(sessions_path);
    json credentials = {{"UserName", connection_.username}, {"Password", connection_.password}};
    HttpResponse r = http_->request("POST", sessions_path, credentials.dump());
    if (r.status >= 200 && r.status < 300) {
        if (auto token = r.header("X-Auth-Token"); token && !token->empty()) {
            redfish_sessions::store(session_key_, {*token, false});
            return;
        }
    }
    if (r.status == 401 || r.status == 403) fail("POST", sessions_path, r);
    if (connection_.auth_type == "session") {
        throw interfaces::BmcError(bmc() + " refused a session for node " + node_ + " (HTTP " +
                                   std::to_string(r.status) + " from " + sessions_path + "): " + error_text(r.body) +
                                   "; set driver_info/redfish_auth_type to basic or auto");
    }
    // "auto": no usable session service, so basic authentication it is.
    redfish_sessions::store(session_key_, {"", true});
}

void RedfishClient::fail(const std::string& method, const std::string& path, const HttpResponse& r) {
    const std::string what =
        bmc() + " answered " + method + " " + path + " for node " + node_ + " with HTTP " + std::to_string(r.status);
    if (r.status == 401 || r.status == 403) {
        throw RedfishAuthError(what + ": the credentials were refused (check redfish_username and redfish_password)");
    }
    if (r.status == 404)
        throw RedfishNotFound(what + ": no such resource (check redfish_address and redfish_system_id)");
    throw interfaces::BmcError(what + ": " + error_text(r.body));
}

}  // namespace ingot::power
