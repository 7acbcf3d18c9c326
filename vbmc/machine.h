// A virtual machine as its BMC sees it: power, one-time or persistent boot
// override, and two virtual media slots. The Redfish service talks only to
// this interface; backends (memory_machine.h, qemu_machine.h) decide what
// "power on" means.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ingot::vbmc {

enum class PowerState { On, Off };

// Redfish ResetType values, all accepted by every backend.
enum class ResetType {
    On,
    ForceOn,
    ForceOff,
    GracefulShutdown,
    GracefulRestart,
    ForceRestart,
    Nmi,
    PushPowerButton,
    PowerCycle
};

enum class BootTarget { None, Pxe, Floppy, Cd, Hdd, BiosSetup };
enum class BootEnabled { Disabled, Once, Continuous };
enum class BootMode { Legacy, UEFI };

struct BootOverride {
    BootTarget target = BootTarget::None;
    BootEnabled enabled = BootEnabled::Disabled;
    BootMode mode = BootMode::Legacy;
};

// The Redfish VirtualMedia ids: "Cd" (CD/DVD) and "Floppy" (Floppy/USBStick).
enum class MediaSlot { Cd, Floppy };
inline constexpr MediaSlot kMediaSlots[] = {MediaSlot::Cd, MediaSlot::Floppy};

struct Media {
    std::string image;  // URL; empty when nothing is inserted
    bool inserted = false;
    bool write_protected = true;
};

struct MachineInfo {
    std::string id;  // the Redfish System (and Manager) id
    std::string name;
    std::string uuid;
    std::vector<std::string> macs;
    int memory_mib = 1024;
    int cpus = 1;
};

// Enum <-> Redfish string. The parse_* functions return nullopt for an
// unknown value (the caller names the property in its 400 answer).
const char* to_string(PowerState v);
const char* to_string(ResetType v);
const char* to_string(BootTarget v);
const char* to_string(BootEnabled v);
const char* to_string(BootMode v);
const char* to_string(MediaSlot v);
std::optional<ResetType> parse_reset_type(const std::string& s);
std::optional<BootTarget> parse_boot_target(const std::string& s);
std::optional<BootEnabled> parse_boot_enabled(const std::string& s);
std::optional<BootMode> parse_boot_mode(const std::string& s);
std::optional<MediaSlot> parse_media_slot(const std::string& s);
std::vector<std::string> all_reset_types();
std::vector<std::string> all_boot_targets();

// What a power-on boots from, applying Redfish's rule that a "Once"
// override is used by the next boot only and then reads "Disabled".
BootTarget take_boot_target(BootOverride& boot);

// The part of raw_state() every backend shares.
nlohmann::json describe(const MachineInfo& info, PowerState power, const BootOverride& boot, const Media& cd,
                        const Media& floppy);

class Machine {
public:
    explicit Machine(MachineInfo info) : info_(std::move(info)) {}
    virtual ~Machine() = default;
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    const MachineInfo& info() const { return info_; }
    // True when calls below may take seconds (starting QEMU, downloading
    // media): the service then answers from a worker thread.
    virtual bool slow() const { return false; }

    virtual PowerState power_state() = 0;
    // Throws Conflict when the action makes no sense in the current state
    // (Nmi while off), ingot::Error when the backend fails.
    virtual void reset(ResetType type) = 0;

    virtual BootOverride boot() = 0;
    virtual void set_boot(const BootOverride& boot) = 0;

    virtual Media media(MediaSlot slot) = 0;
    // `media.image` is an http(s) URL, already validated by the caller.
    virtual void insert_media(MediaSlot slot, const Media& media) = 0;
    virtual void eject_media(MediaSlot slot) = 0;

    // Everything the backend knows, for GET /ingot-vbmc/systems/{id}.
    virtual nlohmann::json raw_state() = 0;
    // Called about twice a second: notice a guest that powered itself off,
    // enforce time limits. Must not block for long.
    virtual void poll() {}
    // Before the process exits: end whatever runs (QEMU) cleanly.
    virtual void shutdown() {}

private:
    MachineInfo info_;
};

}  // namespace ingot::vbmc
