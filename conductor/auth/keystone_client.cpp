#include "conductor/auth/keystone_client.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <thread>

#include "common/log.h"

namespace ingot::conductor::auth {
namespace {

// A validated token with its service catalog; room for a large cloud's.
constexpr size_t kMaxKeystoneAnswerBytes = size_t{4} << 20;

// keystoneauth renews a token this long before it expires (its
// MIN_TOKEN_LIFE_SECONDS); a token that lives less gets a quarter of its life.
constexpr long long kRefreshMarginSeconds = 120;

// Keystone resolves a user or project name only within a domain.
nlohmann::json domain_of(const std::string& id, const std::string& name) {
    return id.empty() ? nlohmann::json{{"name", name}} : nlohmann::json{{"id", id}};
}

std::string password_auth_body(const KeystoneSettings& s) {
    nlohmann::json user = {
        {"name", s.username}, {"domain", domain_of(s.user_domain_id, s.user_domain_name)}, {"password", s.password}};
    nlohmann::json project = {{"name", s.project_name},
                              {"domain", domain_of(s.project_domain_id, s.project_domain_name)}};
    nlohmann::json body = {{"auth",
                            {{"identity", {{"methods", {"password"}}, {"password", {{"user", user}}}}},
                             {"scope", {{"project", project}}}}}};
    return body.dump();
}

}  // namespace

KeystoneClient::KeystoneClient(KeystoneSettings settings) : settings_(std::move(settings)) {}

KeystoneClient::~KeystoneClient() = default;

std::unique_ptr<HttpClient> KeystoneClient::take_client() {
    {
        std::lock_guard lock(pool_mutex_);
        if (!idle_.empty()) {
            auto client = std::move(idle_.back());
            idle_.pop_back();
            return client;
        }
    }
    auto client = std::make_unique<HttpClient>(settings_.auth_url, settings_.http_timeout);
    client->set_tls_verification({!settings_.insecure, settings_.cafile});
    client->set_max_answer_bytes(kMaxKeystoneAnswerBytes);
    return client;
}

void KeystoneClient::give_back(std::unique_ptr<HttpClient> client) {
    std::lock_guard lock(pool_mutex_);
    idle_.push_back(std::move(client));
}

HttpResponse KeystoneClient::send(std::string_view method, std::string_view path, std::string_view body,
                                  const HttpHeaders& headers) {
    auto client = take_client();
    auto pause = std::chrono::milliseconds(500);
    for (int attempt = 0;; ++attempt) {
        try {
            HttpResponse r = client->request(method, path, body, headers);
            give_back(std::move(client));
            return r;
        } catch (const HttpTlsError& e) {
            // Trying again cannot change a certificate.
            throw KeystoneUnavailable(std::string("Keystone cannot be reached safely: ") + e.what());
        } catch (const HttpTransportError& e) {
            if (attempt >= settings_.max_retries)
                throw KeystoneUnavailable(std::string("Keystone did not answer: ") + e.what());
            log::warning("auth.keystone_retry", {{"attempt", std::to_string(attempt + 1)}, {"error", e.what()}});
            std::this_thread::sleep_for(pause);
            pause *= 2;
        }
    }
}

KeystoneClient::ServiceToken KeystoneClient::fetch_service_token() {
    HttpResponse r =
        send("POST", "/auth/tokens?nocatalog", password_auth_body(settings_), {{"Content-Type", "application/json"}});
    if (r.status == 401) {
        log::error("auth.keystone_service_refused",
                   {{"auth_url", settings_.auth_url}, {"username", settings_.username}});
        throw KeystoneUnavailable("Keystone refused the conductor's own credentials ([keystone_authtoken] username " +
                                  settings_.username + "); check its password, domains and project");
    }
    auto id = r.header("X-Subject-Token");
    if (r.status != 201 || !id || id->empty())
        throw KeystoneUnavailable("Keystone answered the conductor's own authentication with HTTP " +
                                  std::to_string(r.status));
    const KeystoneToken token = parse_keystone_token(r.body);
    const long long margin = std::min(kRefreshMarginSeconds, (token.expires_at - token.issued_at) / 4);
    log::info("auth.keystone_service_token", {{"user", settings_.username},
                                              {"project", settings_.project_name},
                                              {"expires_at", std::to_string(token.expires_at)}});
    return {*id, token.expires_at - margin};
}

std::string KeystoneClient::service_token(const std::string& refused) {
    std::lock_guard lock(token_mutex_);
    const bool usable = !service_.id.empty() && service_.id != refused && std::time(nullptr) < service_.refresh_at;
    if (usable) return service_.id;
    if (!service_.id.empty())
        log::info("auth.keystone_service_token_renewal", {{"reason", service_.id == refused ? "refused" : "expiring"}});
    service_ = {};  // a failed fetch leaves none, so the next call tries again
    service_ = fetch_service_token();
    return service_.id;
}

std::optional<KeystoneToken> KeystoneClient::validate(const std::string& user_token) {
    std::string service = service_token();
    for (int attempt = 0;; ++attempt) {
        HttpResponse r =
            send("GET", "/auth/tokens?nocatalog", {}, {{"X-Auth-Token", service}, {"X-Subject-Token", user_token}});
        if (r.status == 200) return parse_keystone_token(r.body);
        if (r.status == 404) return std::nullopt;
        if (r.status == 401 && attempt == 0) {
            // Our own token was revoked or expired early: renew it once.
            service = service_token(service);
            continue;
        }
        if (r.status == 401 || r.status == 403)
            log::error("auth.keystone_validation_refused",
                       {{"status", std::to_string(r.status)},
                        {"username", settings_.username},
                        {"hint", "the service user needs the service role to validate tokens"}});
        throw KeystoneUnavailable("Keystone answered a token validation with HTTP " + std::to_string(r.status));
    }
}

}  // namespace ingot::conductor::auth
