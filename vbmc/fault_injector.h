// Broken-BMC behaviour on demand, for failure tests of Redfish clients
// (ingot-vbmc --enable-fault-injection; PUT /ingot-vbmc/systems/{id}/fault).
// A mode applies to every Redfish request about that system (its System
// and Manager resources and their children); while a mode is set the
// request is never carried out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/message.h"

namespace ingot::vbmc {

enum class FaultMode {
    None,
    MalformedJson,   // 200 with a truncated JSON body
    Hang,            // no answer until the mode changes or max_hang passes
    Error500,        // 500 with a Redfish error body
    Unavailable503,  // 503 with a Redfish error body
};

const char* to_string(FaultMode mode);
std::optional<FaultMode> parse_fault_mode(const std::string& s);

// The answer for a request under `mode` (not Hang, not None).
http::Response fault_response(FaultMode mode, const std::string& path);

class FaultInjector {
public:
    explicit FaultInjector(std::chrono::milliseconds max_hang);
    ~FaultInjector();  // answers every held request
    FaultInjector(const FaultInjector&) = delete;
    FaultInjector& operator=(const FaultInjector&) = delete;

    // Leaving Hang answers the system's held requests with 503.
    void set(const std::string& system, FaultMode mode);
    FaultMode get(const std::string& system);

    // Keeps `reply` unanswered (no thread is blocked: it is only stored).
    void hold(const std::string& system, http::Reply reply);
    size_t held();
    // Answers every held request with 503, and later ones at once (shutdown).
    void release_all();

private:
    struct Held {
        std::string system;
        std::chrono::steady_clock::time_point deadline;
        http::Reply reply;
    };
    void expire_loop();
    static void answer(std::vector<Held>& released);

    const std::chrono::milliseconds max_hang_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::string, FaultMode> modes_;
    std::vector<Held> held_;
    bool stopping_ = false;
    std::thread expiry_;
};

}  // namespace ingot::vbmc
