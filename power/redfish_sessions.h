// What Redfish calls keep between them, per BMC and credentials: the session
// token (logging in costs a request and BMCs limit their sessions) and idle
// connections (a TLS handshake per call would cost more than the call).
// Bounded and least-recently-used, so 10,000 BMCs do not hold 10,000 sockets.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "power/redfish_driver_info.h"

namespace ingot {
class HttpClient;
}

namespace ingot::power::redfish_sessions {

// Identifies BMC + credentials + TLS settings; holds a digest of the
// password, never the password.
std::string key_for(const RedfishConnection& c);

struct Session {
    std::string token;        // empty: none yet
    bool basic_only = false;  // "auto" found no session service: use basic
};
std::optional<Session> find(const std::string& key);
void store(const std::string& key, Session session);
// Drops the token if it is still `token` (another thread may have renewed it).
void forget(const std::string& key, const std::string& token);

// An idle connection to the BMC, or null.
std::unique_ptr<HttpClient> take_connection(const std::string& key);
void return_connection(const std::string& key, std::unique_ptr<HttpClient> client);

}  // namespace ingot::power::redfish_sessions
