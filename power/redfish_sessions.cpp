#include "power/redfish_sessions.h"

#include <openssl/evp.h>

#include <list>
#include <map>
#include <mutex>

#include "common/http_client.h"

namespace ingot::power::redfish_sessions {
namespace {

constexpr size_t kMaxSessions = 1000;  // as Ironic's SessionCache
constexpr size_t kMaxIdleConnections = 64;

std::string sha256_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

struct Cache {
    std::mutex mutex;
    std::list<std::pair<std::string, Session>> sessions;  // most recent first
    std::list<std::pair<std::string, std::unique_ptr<HttpClient>>> idle;
};

Cache& cache() {
    static Cache c;
    return c;
}

}  // namespace

std::string key_for(const RedfishConnection& c) {
    return c.address + c.root_prefix + "|" + c.username + "|" + sha256_hex(c.password) + "|" +
           (c.verify_tls ? "verify" : "noverify") + "|" + c.ca_path + "|" + c.auth_type;
}

std::optional<Session> find(const std::string& key) {
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    for (auto it = c.sessions.begin(); it != c.sessions.end(); ++it) {
        if (it->first != key) continue;
        c.sessions.splice(c.sessions.begin(), c.sessions, it);
        return it->second;
    }
    return std::nullopt;
}

void store(const std::string& key, Session session) {
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    c.sessions.remove_if([&](const auto& e) { return e.first == key; });
    c.sessions.emplace_front(key, std::move(session));
    // Evicted sessions are not deleted on the BMC: they expire there.
    if (c.sessions.size() > kMaxSessions) c.sessions.pop_back();
}

void forget(const std::string& key, const std::string& token) {
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    c.sessions.remove_if([&](const auto& e) { return e.first == key && e.second.token == token; });
}

std::unique_ptr<HttpClient> take_connection(const std::string& key) {
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    for (auto it = c.idle.begin(); it != c.idle.end(); ++it) {
        if (it->first != key) continue;
        auto client = std::move(it->second);
        c.idle.erase(it);
        return client;
    }
    return nullptr;
}

void return_connection(const std::string& key, std::unique_ptr<HttpClient> client) {
    std::unique_ptr<HttpClient> evicted;  // closed outside the lock
    auto& c = cache();
    std::lock_guard lock(c.mutex);
    c.idle.emplace_front(key, std::move(client));
    if (c.idle.size() > kMaxIdleConnections) {
        evicted = std::move(c.idle.back().second);
        c.idle.pop_back();
    }
}

}  // namespace ingot::power::redfish_sessions
