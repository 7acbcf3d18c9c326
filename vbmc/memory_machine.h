// A machine that exists only in memory: every action takes effect at once.
// For fast tests and benchmarks of Redfish clients, where what matters is
// the BMC's answers, not a booting guest.
#pragma once

#include <mutex>

#include "vbmc/machine.h"

namespace ingot::vbmc {

class MemoryMachine : public Machine {
public:
    explicit MemoryMachine(MachineInfo info);

    PowerState power_state() override;
    void reset(ResetType type) override;
    BootOverride boot() override;
    void set_boot(const BootOverride& boot) override;
    Media media(MediaSlot slot) override;
    void insert_media(MediaSlot slot, const Media& media) override;
    void eject_media(MediaSlot slot) override;
    nlohmann::json raw_state() override;

private:
    void power_on();  // with mutex_ held

    std::mutex mutex_;
    PowerState power_ = PowerState::Off;
    BootOverride boot_;
    Media media_[2];
    // What the tests check from the BMC's side: how often the machine was
    // started, from which device, and the last action applied.
    int power_on_count_ = 0;
    BootTarget last_boot_target_ = BootTarget::None;
    std::string last_reset_;
};

}  // namespace ingot::vbmc
