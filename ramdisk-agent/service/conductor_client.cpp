#include "ramdisk-agent/service/conductor_client.h"

#include "common/json_input.h"
#include "common/strings.h"

namespace ingot::agent::service {
namespace {

// The lookup's node record and config are the largest answers; anything
// past this is not a conductor's answer.
constexpr size_t kMaxConductorAnswerBytes = size_t{16} << 20;

// The conductor's error_message holds a JSON fault; its faultstring is the
// human part.
std::string error_text(const HttpResponse& r) {
    try {
        auto body = parse_json(r.body);
        auto inner = parse_json(body.at("error_message").get<std::string>());
        return inner.value("faultstring", r.body);
    } catch (const std::exception&) {
        return r.body;
    }
}

std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == ':') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

ConductorClient::ConductorClient(std::string api_url, std::chrono::milliseconds timeout, const TlsVerification& tls)
    : http_(std::move(api_url), timeout) {
    http_.set_default_header("X-OpenStack-Ironic-API-Version", kApiVersion);
    http_.set_tls_verification(tls);
    http_.set_max_answer_bytes(kMaxConductorAnswerBytes);
}

std::optional<LookupResult> ConductorClient::lookup(const std::vector<std::string>& macs,
                                                    const std::optional<std::string>& node_uuid) {
    std::string path = "/v1/lookup?addresses=" + url_encode(join(macs, ","));
    if (node_uuid) path += "&node_uuid=" + url_encode(*node_uuid);
    auto r = http_.request("GET", path);
    if (r.status == 404) return std::nullopt;
    if (r.status != 200) throw Error("lookup refused (" + std::to_string(r.status) + "): " + error_text(r));
    auto body = parse_json(r.body);
    return LookupResult{body.value("node", nlohmann::json::object()), body.value("config", nlohmann::json::object())};
}

HeartbeatOutcome ConductorClient::heartbeat(const std::string& node_uuid, const std::string& callback_url,
                                            const std::string& agent_token, const std::string& agent_version,
                                            const std::string& agent_verify_ca) {
    nlohmann::json body = {
        {"callback_url", callback_url}, {"agent_token", agent_token}, {"agent_version", agent_version}};
    if (!agent_verify_ca.empty()) body["agent_verify_ca"] = agent_verify_ca;
    auto r = http_.request("POST", "/v1/heartbeat/" + node_uuid, body.dump());
    HeartbeatOutcome out;
    out.status = r.status;
    if (r.status != 202) out.error = error_text(r);
    return out;
}

}  // namespace ingot::agent::service
