#include "vbmc/session_store.h"

#include "common/ids.h"

namespace ingot::vbmc {

void SessionStore::expire() {
    const auto now = Clock::now();
    for (auto it = by_id_.begin(); it != by_id_.end();)
        it = now - it->second.last_used > idle_timeout_ ? by_id_.erase(it) : std::next(it);
}

Session SessionStore::create(const std::string& user) {
    Session s{generate_token(12), user, generate_token(32)};
    std::lock_guard lock(mutex_);
    expire();
    by_id_[s.id] = Entry{s, Clock::now()};
    return s;
}

std::optional<Session> SessionStore::by_token(const std::string& token) {
    std::lock_guard lock(mutex_);
    expire();
    // A handful of sessions at most: a linear scan is fine.
    for (auto& [id, entry] : by_id_) {
        if (entry.session.token == token) {
            entry.last_used = Clock::now();
            return entry.session;
        }
    }
    return std::nullopt;
}

std::optional<Session> SessionStore::get(const std::string& id) {
    std::lock_guard lock(mutex_);
    expire();
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return std::nullopt;
    return it->second.session;
}

bool SessionStore::remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    return by_id_.erase(id) > 0;
}

std::vector<std::string> SessionStore::ids() {
    std::lock_guard lock(mutex_);
    expire();
    std::vector<std::string> out;
    for (const auto& [id, entry] : by_id_) out.push_back(id);
    return out;
}

}  // namespace ingot::vbmc
