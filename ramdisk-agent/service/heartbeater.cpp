#include "ramdisk-agent/service/heartbeater.h"

#include <algorithm>
#include <random>

#include "common/log.h"
#include "common/secrets.h"
#include "common/strings.h"
#include "ramdisk-agent/service/conductor_client.h"

namespace ingot::agent::service {
namespace {

std::chrono::milliseconds heartbeat_interval(long long timeout_s) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_real_distribution<double> factor(0.3, 0.6);
    return std::chrono::milliseconds(static_cast<long long>(std::max<long long>(timeout_s, 1) * 1000 * factor(rng)));
}

}  // namespace

Heartbeater::Heartbeater(HeartbeaterOptions options, AgentToken& token) : options_(std::move(options)), token_(token) {}

Heartbeater::~Heartbeater() {
    stop();
}

void Heartbeater::start() {
    thread_ = std::thread([this] { run(); });
}

void Heartbeater::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::string Heartbeater::node_uuid() const {
    std::lock_guard lock(mutex_);
    return node_uuid_;
}

bool Heartbeater::sleep_for(std::chrono::milliseconds d, bool beat_wakes) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [this, beat_wakes] { return stopping_ || (beat_wakes && beat_now_); });
    if (beat_wakes) beat_now_ = false;
    return !stopping_;
}

void Heartbeater::heartbeat_now() {
    {
        std::lock_guard lock(mutex_);
        beat_now_ = true;
    }
    wake_.notify_all();
}

void Heartbeater::run() {
    ConductorClient client(options_.api_url, std::chrono::seconds(30), options_.api_tls);
    const auto started = std::chrono::steady_clock::now();
    auto retry = options_.first_retry;
    std::optional<LookupResult> found;
    log::info("agent.lookup_start", {{"api_url", options_.api_url}, {"macs", join(options_.macs, ",")}});
    while (!found) {
        try {
            found = client.lookup(options_.macs, options_.node_uuid);
            if (!found) log::info("agent.lookup_not_found", {{"retry_ms", std::to_string(retry.count())}});
        } catch (const std::exception& e) {
            log::warning("agent.lookup_failed", {{"error", e.what()}, {"retry_ms", std::to_string(retry.count())}});
        }
        if (found) break;
        if (options_.lookup_timeout.count() > 0 &&
            std::chrono::steady_clock::now() - started > options_.lookup_timeout) {
            if (on_fatal_) on_fatal_("lookup timed out: no node with these MACs expects an agent");
            return;
        }
        if (!sleep_for(retry)) return;
        retry = std::min(retry * 2, options_.max_retry);
    }

    const auto& config = found->config;
    std::string token = config.value("agent_token", std::string());
    // A virtual-media agent holds its token already; lookups show the mask.
    if ((token.empty() || token == kMaskedSecret) && !options_.pregenerated_token.empty())
        token = options_.pregenerated_token;
    if (token.empty() || token == kMaskedSecret) {
        // Someone else already looked this node up and holds its token;
        // without it no heartbeat will be accepted (IPA exits here too).
        if (on_fatal_) on_fatal_("the conductor handed out this node's agent token before; cannot heartbeat");
        return;
    }
    token_.set(token);
    {
        std::lock_guard lock(mutex_);
        node_uuid_ = found->node_uuid();
    }
    if (on_lookup_) on_lookup_(found->node, config);
    const long long timeout_s = config.value("heartbeat_timeout", 300LL);
    log::info("agent.lookup_done", {{"node", node_uuid()}, {"heartbeat_timeout", std::to_string(timeout_s)}});

    do {
        auto next = heartbeat_interval(timeout_s);
        try {
            auto outcome = client.heartbeat(node_uuid(), options_.callback_url, token, options_.agent_version,
                                            options_.certificate_pem);
            if (outcome.accepted()) {
                log::debug("agent.heartbeat", {{"node", node_uuid()}});
            } else {
                log::warning(
                    "agent.heartbeat_refused",
                    {{"node", node_uuid()}, {"status", std::to_string(outcome.status)}, {"error", outcome.error}});
                // A locked node (409) is busy only briefly: try again sooner.
                if (outcome.status == 409) next = std::min(next, std::chrono::milliseconds(5000));
            }
        } catch (const std::exception& e) {
            log::warning("agent.heartbeat_failed", {{"node", node_uuid()}, {"error", e.what()}});
        }
        if (!sleep_for(next, /*beat_wakes=*/true)) return;
    } while (true);
}

}  // namespace ingot::agent::service
