#include "vbmc/fault_injector.h"

#include <algorithm>

#include "common/log.h"
#include "vbmc/redfish_errors.h"

namespace ingot::vbmc {
namespace {

constexpr std::pair<FaultMode, const char*> kNames[] = {{FaultMode::None, "none"},
                                                        {FaultMode::MalformedJson, "malformed-json"},
                                                        {FaultMode::Hang, "hang"},
                                                        {FaultMode::Error500, "error-500"},
                                                        {FaultMode::Unavailable503, "unavailable-503"}};

}  // namespace

const char* to_string(FaultMode mode) {
    for (const auto& [m, n] : kNames)
        if (m == mode) return n;
    return "";
}

std::optional<FaultMode> parse_fault_mode(const std::string& s) {
    for (const auto& [m, n] : kNames)
        if (s == n) return m;
    return std::nullopt;
}

http::Response fault_response(FaultMode mode, const std::string& path) {
    switch (mode) {
        case FaultMode::MalformedJson:
            // Cut mid-string: no JSON parser accepts it.
            return redfish_json(200, "{\"@odata.id\": \"" + path + "\", \"Id\": \"tru");
        case FaultMode::Error500:
            return error_response(500, "InternalError", "injected fault: internal error");
        default:
            return error_response(503, "ServiceTemporarilyUnavailable", "injected fault: service unavailable");
    }
}

FaultInjector::FaultInjector(std::chrono::milliseconds max_hang)
    : max_hang_(max_hang), expiry_([this] { expire_loop(); }) {}

FaultInjector::~FaultInjector() {
    release_all();
    expiry_.join();
}

void FaultInjector::answer(std::vector<Held>& released) {
    // Outside the lock: a reply writes to a socket.
    for (auto& h : released)
        deliver(h.reply, error_response(503, "ServiceTemporarilyUnavailable",
                                        "injected fault: the request was held by the hang fault and dropped"));
}

void FaultInjector::set(const std::string& system, FaultMode mode) {
    std::vector<Held> released;
    {
        std::lock_guard lock(mutex_);
        modes_[system] = mode;
        if (mode != FaultMode::Hang) {
            auto keep =
                std::stable_partition(held_.begin(), held_.end(), [&](const Held& h) { return h.system != system; });
            std::move(keep, held_.end(), std::back_inserter(released));
            held_.erase(keep, held_.end());
        }
    }
    log::info("vbmc.fault_set",
              {{"system", system}, {"mode", to_string(mode)}, {"released", std::to_string(released.size())}});
    answer(released);
}

FaultMode FaultInjector::get(const std::string& system) {
    std::lock_guard lock(mutex_);
    auto it = modes_.find(system);
    return it == modes_.end() ? FaultMode::None : it->second;
}

void FaultInjector::hold(const std::string& system, http::Reply reply) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            held_.push_back(Held{system, std::chrono::steady_clock::now() + max_hang_, std::move(reply)});
            cv_.notify_all();
            return;
        }
    }
    std::vector<Held> now{Held{system, {}, std::move(reply)}};
    answer(now);
}

size_t FaultInjector::held() {
    std::lock_guard lock(mutex_);
    return held_.size();
}

void FaultInjector::release_all() {
    std::vector<Held> released;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;  // later holds are answered at once
        released.swap(held_);
    }
    cv_.notify_all();
    answer(released);
}

void FaultInjector::expire_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (held_.empty()) {
            cv_.wait(lock);
            continue;
        }
        auto first = std::min_element(held_.begin(), held_.end(),
                                      [](const Held& a, const Held& b) { return a.deadline < b.deadline; });
        if (cv_.wait_until(lock, first->deadline) != std::cv_status::timeout) continue;
        std::vector<Held> released;
        const auto now = std::chrono::steady_clock::now();
        auto keep = std::stable_partition(held_.begin(), held_.end(), [&](const Held& h) { return h.deadline > now; });
        std::move(keep, held_.end(), std::back_inserter(released));
        held_.erase(keep, held_.end());
        lock.unlock();
        answer(released);
        lock.lock();
    }
}

}  // namespace ingot::vbmc
