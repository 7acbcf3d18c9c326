#include "power/bmc_throttle.h"

#include <thread>

namespace ingot::power {

BmcThrottle::Slot::Slot(Slot&& other) noexcept : owner_(other.owner_), bmc_(std::move(other.bmc_)) {
    other.owner_ = nullptr;
}

BmcThrottle::Slot& BmcThrottle::Slot::operator=(Slot&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = other.owner_;
        bmc_ = std::move(other.bmc_);
        other.owner_ = nullptr;
    }
    return *this;
}

void BmcThrottle::Slot::release() {
    if (owner_) owner_->release(bmc_);
    owner_ = nullptr;
}

BmcThrottle::Slot BmcThrottle::acquire(const std::string& bmc, std::chrono::milliseconds min_interval,
                                       Clock::time_point give_up_at) {
    Clock::time_point start_at;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        // Waiters of every BMC share one condition variable: a release wakes
        // them all, and those whose BMC is still busy go back to sleep.
        if (!released_.wait_until(lock, give_up_at, [&] { return !states_[bmc].busy; })) return {};
        State& state = states_[bmc];
        start_at = state.used ? state.last_end + min_interval : Clock::now();
        if (start_at > give_up_at) return {};
        state.busy = true;
    }
    // The slot is ours: sleep out the interval without holding the lock.
    Slot slot(this, bmc);
    std::this_thread::sleep_until(start_at);
    return slot;
}

void BmcThrottle::release(const std::string& bmc) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        State& state = states_[bmc];
        state.busy = false;
        state.used = true;
        state.last_end = Clock::now();
    }
    released_.notify_all();
}

BmcThrottle& BmcThrottle::global() {
    static BmcThrottle instance;
    return instance;
}

}  // namespace ingot::power
