// The agent's side of the conductor protocol: GET /v1/lookup by MACs, then
// POST /v1/heartbeat/{node} with its callback URL and token, as IPA's
// ironic_api_client does.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/http_client.h"

namespace ingot::agent::service {

struct LookupResult {
    nlohmann::json node;    // uuid, properties, instance_info, driver_internal_info
    nlohmann::json config;  // heartbeat_timeout, agent_token, ...
    std::string node_uuid() const { return node.value("uuid", std::string()); }
};

// How a heartbeat went: accepted, or refused (the status and message).
struct HeartbeatOutcome {
    long status = 0;
    std::string error;  // empty when accepted (202)
    bool accepted() const { return status == 202; }
};

class ConductorClient {
public:
    // The API version the agent speaks: lookup/heartbeat (1.22), agent_version
    // (1.36), tokens (1.62), agent_verify_ca (1.68).
    static constexpr const char* kApiVersion = "1.68";

    // `tls` says how an https API's certificate is checked (the CA handed
    // to the ramdisk, or the system's).
    ConductorClient(std::string api_url, std::chrono::milliseconds timeout = std::chrono::seconds(30),
                    const TlsVerification& tls = {});

    // One lookup: nothing when the conductor does not know us (yet): 404.
    // Throws HttpTransportError when it cannot be reached, ingot::Error for
    // any other refusal.
    std::optional<LookupResult> lookup(const std::vector<std::string>& macs,
                                       const std::optional<std::string>& node_uuid = std::nullopt);

    // `agent_verify_ca`: the agent's own certificate (PEM) when it serves
    // HTTPS with auto-TLS; empty: not sent.
    HeartbeatOutcome heartbeat(const std::string& node_uuid, const std::string& callback_url,
                               const std::string& agent_token, const std::string& agent_version,
                               const std::string& agent_verify_ca = "");

private:
    HttpClient http_;
};

}  // namespace ingot::agent::service
