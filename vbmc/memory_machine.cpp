#include "vbmc/memory_machine.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/log.h"

namespace ingot::vbmc {

MemoryMachine::MemoryMachine(MachineInfo info) : Machine(std::move(info)) {}

PowerState MemoryMachine::power_state() {
    std::lock_guard lock(mutex_);
    return power_;
}

void MemoryMachine::power_on() {
    power_ = PowerState::On;
    ++power_on_count_;
    last_boot_target_ = take_boot_target(boot_);
}

void MemoryMachine::reset(ResetType type) {
    std::lock_guard lock(mutex_);
    const bool on = power_ == PowerState::On;
    switch (type) {
        case ResetType::On:
        case ResetType::ForceOn:
            if (!on) power_on();
            break;
        case ResetType::ForceOff:
        case ResetType::GracefulShutdown:
            power_ = PowerState::Off;
            break;
        case ResetType::PushPowerButton:
            if (on) {
                power_ = PowerState::Off;
            } else {
                power_on();
            }
            break;
        case ResetType::GracefulRestart:
        case ResetType::ForceRestart:
        case ResetType::PowerCycle:
            // A restart is a new boot: it consumes a "Once" override. Real
            // BMCs differ on restarting a machine that is off; we start it.
            power_on();
            break;
        case ResetType::Nmi:
            if (!on) throw Conflict("system " + info().id + " is powered off; an NMI needs it on");
            break;
    }
    last_reset_ = to_string(type);
    log::info("vbmc.reset",
              {{"system", info().id}, {"reset_type", to_string(type)}, {"power_state", to_string(power_)}});
}

BootOverride MemoryMachine::boot() {
    std::lock_guard lock(mutex_);
    return boot_;
}

void MemoryMachine::set_boot(const BootOverride& boot) {
    std::lock_guard lock(mutex_);
    boot_ = boot;
}

Media MemoryMachine::media(MediaSlot slot) {
    std::lock_guard lock(mutex_);
    return media_[static_cast<int>(slot)];
}

void MemoryMachine::insert_media(MediaSlot slot, const Media& media) {
    std::lock_guard lock(mutex_);
    media_[static_cast<int>(slot)] = media;
}

void MemoryMachine::eject_media(MediaSlot slot) {
    std::lock_guard lock(mutex_);
    media_[static_cast<int>(slot)] = Media{};
}

nlohmann::json MemoryMachine::raw_state() {
    std::lock_guard lock(mutex_);
    auto state = describe(info(), power_, boot_, media_[0], media_[1]);
    state["backend"] = "memory";
    state["power_on_count"] = power_on_count_;
    state["last_boot_target"] = to_string(last_boot_target_);
    state["last_reset"] = last_reset_.empty() ? nlohmann::json() : nlohmann::json(last_reset_);
    return state;
}

}  // namespace ingot::vbmc
