// Keeps a BMC from being flooded: one command at a time per BMC, and a
// minimum pause between the end of one command and the start of the next
// (Ironic's [ipmi]min_command_interval). Commands to other BMCs never wait.
// One instance serves the whole process (global()); tests make their own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

namespace ingot::power {

class BmcThrottle {
public:
    using Clock = std::chrono::steady_clock;

    // The right to send one command to one BMC; releasing it (destructor)
    // records when the command ended.
    class Slot {
    public:
        Slot() = default;
        Slot(Slot&& other) noexcept;
        Slot& operator=(Slot&& other) noexcept;
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        ~Slot() { release(); }
        explicit operator bool() const { return owner_ != nullptr; }
        void release();

    private:
        friend class BmcThrottle;
        Slot(BmcThrottle* owner, std::string bmc) : owner_(owner), bmc_(std::move(bmc)) {}
        BmcThrottle* owner_ = nullptr;
        std::string bmc_;
    };

    // Waits until no other command to `bmc` runs and `min_interval` has
    // passed since the last one ended, then returns the slot. Returns an
    // empty slot if that cannot happen before `give_up_at`.
    Slot acquire(const std::string& bmc, std::chrono::milliseconds min_interval, Clock::time_point give_up_at);

    static BmcThrottle& global();

private:
    struct State {
        bool busy = false;
        bool used = false;  // a command has ended (last_end is meaningful)
        Clock::time_point last_end;
    };
    void release(const std::string& bmc);

    std::mutex mutex_;
    std::condition_variable released_;
    std::map<std::string, State> states_;
};

}  // namespace ingot::power
