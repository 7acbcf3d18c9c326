// The agent's life with a conductor, on a background thread: look the node
// up (retrying with backoff until the conductor knows it), adopt the token,
// then heartbeat every heartbeat_timeout * random(0.3, 0.6) seconds, as IPA
// does so that many agents coming back at once spread out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http_client.h"
#include "ramdisk-agent/service/agent_token.h"

namespace ingot::agent::service {

struct HeartbeaterOptions {
    std::string api_url;
    std::vector<std::string> macs;
    std::optional<std::string> node_uuid;
    std::string callback_url;  // this agent's API, e.g. https://10.0.0.5:9999
    std::string agent_version;
    // How the conductor's certificate is checked (the API's CA).
    TlsVerification api_tls;
    // This agent's certificate (auto-TLS), sent as agent_verify_ca.
    std::string certificate_pem;
    // The token from the kernel command line (ipa-agent-token=, virtual
    // media): lookups then answer the mask, and this one is used.
    std::string pregenerated_token;
    std::chrono::milliseconds first_retry{500};
    std::chrono::milliseconds max_retry{30000};
    std::chrono::milliseconds lookup_timeout{0};  // 0: retry for ever
};

class Heartbeater {
public:
    Heartbeater(HeartbeaterOptions options, AgentToken& token);
    ~Heartbeater();  // stops the thread
    void start();
    void stop();
    // Called with an error message when the agent cannot go on (lookup
    // timed out, or the conductor will not hand a usable token).
    void on_fatal(std::function<void(const std::string&)> handler) { on_fatal_ = std::move(handler); }
    std::string node_uuid() const;
    // Heartbeats now rather than at the next interval (an asynchronous
    // command has finished; IPA's force_heartbeat). A no-op before lookup.
    void heartbeat_now();
    // Called on the heartbeat thread with the node and the config the
    // lookup returned.
    using LookupHandler = std::function<void(const nlohmann::json& node, const nlohmann::json& config)>;
    void on_lookup(LookupHandler handler) { on_lookup_ = std::move(handler); }

private:
    void run();
    // Sleeps up to `d` (or until heartbeat_now() when `beat_wakes`); false if stopping.
    bool sleep_for(std::chrono::milliseconds d, bool beat_wakes = false);

    HeartbeaterOptions options_;
    AgentToken& token_;
    std::function<void(const std::string&)> on_fatal_;
    LookupHandler on_lookup_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool beat_now_ = false;
    std::string node_uuid_;
    std::thread thread_;
};

}  // namespace ingot::agent::service
