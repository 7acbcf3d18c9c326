// Redfish sessions (POST /redfish/v1/SessionService/Sessions): a token per
// login, valid until deleted or idle for the session timeout.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ingot::vbmc {

struct Session {
    std::string id;
    std::string user;
    std::string token;  // the X-Auth-Token value
};

class SessionStore {
public:
    explicit SessionStore(std::chrono::seconds idle_timeout) : idle_timeout_(idle_timeout) {}

    Session create(const std::string& user);
    // The session holding `token`, refreshing its idle timer; nullopt when
    // unknown or expired.
    std::optional<Session> by_token(const std::string& token);
    std::optional<Session> get(const std::string& id);
    bool remove(const std::string& id);
    std::vector<std::string> ids();
    std::chrono::seconds idle_timeout() const { return idle_timeout_; }

private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        Session session;
        Clock::time_point last_used;
    };
    void expire();  // with mutex_ held

    std::chrono::seconds idle_timeout_;
    std::mutex mutex_;
    std::map<std::string, Entry> by_id_;
};

}  // namespace ingot::vbmc
