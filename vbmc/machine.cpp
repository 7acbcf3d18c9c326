#include "vbmc/machine.h"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

namespace ingot::vbmc {
namespace {

// One table per enum keeps the Redfish spelling in a single place.
template <typename E, size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

constexpr Names<PowerState, 2> kPower{{{PowerState::On, "On"}, {PowerState::Off, "Off"}}};
constexpr Names<ResetType, 9> kReset{{{ResetType::On, "On"},
                                      {ResetType::ForceOn, "ForceOn"},
                                      {ResetType::ForceOff, "ForceOff"},
                                      {ResetType::GracefulShutdown, "GracefulShutdown"},
                                      {ResetType::GracefulRestart, "GracefulRestart"},
                                      {ResetType::ForceRestart, "ForceRestart"},
                                      {ResetType::Nmi, "Nmi"},
                                      {ResetType::PushPowerButton, "PushPowerButton"},
                                      {ResetType::PowerCycle, "PowerCycle"}}};
constexpr Names<BootTarget, 6> kTarget{{{BootTarget::None, "None"},
                                        {BootTarget::Pxe, "Pxe"},
                                        {BootTarget::Floppy, "Floppy"},
                                        {BootTarget::Cd, "Cd"},
                                        {BootTarget::Hdd, "Hdd"},
                                        {BootTarget::BiosSetup, "BiosSetup"}}};
constexpr Names<BootEnabled, 3> kEnabled{
    {{BootEnabled::Disabled, "Disabled"}, {BootEnabled::Once, "Once"}, {BootEnabled::Continuous, "Continuous"}}};
constexpr Names<BootMode, 2> kMode{{{BootMode::Legacy, "Legacy"}, {BootMode::UEFI, "UEFI"}}};
constexpr Names<MediaSlot, 2> kSlot{{{MediaSlot::Cd, "Cd"}, {MediaSlot::Floppy, "Floppy"}}};

template <typename E, size_t N>
const char* name_of(const Names<E, N>& names, E v) {
    for (const auto& [e, n] : names)
        if (e == v) return n;
    return "";
}

template <typename E, size_t N>
std::optional<E> parse(const Names<E, N>& names, const std::string& s) {
    for (const auto& [e, n] : names)
        if (s == n) return e;
    return std::nullopt;
}

template <typename E, size_t N>
std::vector<std::string> all(const Names<E, N>& names) {
    std::vector<std::string> out;
    for (const auto& [e, n] : names) out.emplace_back(n);
    return out;
}

nlohmann::json media_json(const Media& m) {
    return {{"image", m.image.empty() ? nlohmann::json() : nlohmann::json(m.image)},
            {"inserted", m.inserted},
            {"write_protected", m.write_protected}};
}

}  // namespace

const char* to_string(PowerState v) {
    return name_of(kPower, v);
}
const char* to_string(ResetType v) {
    return name_of(kReset, v);
}
const char* to_string(BootTarget v) {
    return name_of(kTarget, v);
}
const char* to_string(BootEnabled v) {
    return name_of(kEnabled, v);
}
const char* to_string(BootMode v) {
    return name_of(kMode, v);
}
const char* to_string(MediaSlot v) {
    return name_of(kSlot, v);
}
std::optional<ResetType> parse_reset_type(const std::string& s) {
    return parse(kReset, s);
}
std::optional<BootTarget> parse_boot_target(const std::string& s) {
    return parse(kTarget, s);
}
std::optional<BootEnabled> parse_boot_enabled(const std::string& s) {
    return parse(kEnabled, s);
}
std::optional<BootMode> parse_boot_mode(const std::string& s) {
    return parse(kMode, s);
}
std::optional<MediaSlot> parse_media_slot(const std::string& s) {
    return parse(kSlot, s);
}
std::vector<std::string> all_reset_types() {
    return all(kReset);
}
std::vector<std::string> all_boot_targets() {
    return all(kTarget);
}

BootTarget take_boot_target(BootOverride& boot) {
    if (boot.enabled == BootEnabled::Disabled) return BootTarget::None;
    BootTarget target = boot.target;
    if (boot.enabled == BootEnabled::Once) boot.enabled = BootEnabled::Disabled;
    return target;
}

nlohmann::json describe(const MachineInfo& info, PowerState power, const BootOverride& boot, const Media& cd,
                        const Media& floppy) {
    return {
        {"id", info.id},
        {"name", info.name},
        {"uuid", info.uuid},
        {"macs", info.macs},
        {"power_state", to_string(power)},
        {"boot",
         {{"target", to_string(boot.target)}, {"enabled", to_string(boot.enabled)}, {"mode", to_string(boot.mode)}}},
        {"media", {{"Cd", media_json(cd)}, {"Floppy", media_json(floppy)}}}};
}

}  // namespace ingot::vbmc
