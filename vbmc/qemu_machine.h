// A machine backed by a QEMU process: power on starts qemu-system-x86_64
// with the boot order the override asks for, power off ends it, and the
// rest (ACPI power button, NMI, media changes) goes through QMP. A guest
// that powers itself off ends QEMU, so the machine reads Off.
//
// Files live in the machine's own state directory: qmp.sock, console.log
// (the serial port, appended to at every power-on), qemu.log (QEMU's own
// output) and media-Cd.img / media-Floppy.img (downloaded images).
//
// QEMU is started with PR_SET_PDEATHSIG (common/process.cpp), which fires
// when the *thread* that forked it exits: start it only from long-lived
// threads (the service's workers, the main thread).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/process.h"
#include "vbmc/machine.h"
#include "vbmc/qemu_command.h"

namespace ingot::vbmc {

class QemuMachine : public Machine {
public:
    // Creates `state_dir` if needed; throws ConfigError when it is unusable.
    QemuMachine(MachineInfo info, QemuConfig config, std::string state_dir);
    ~QemuMachine() override;

    bool slow() const override { return true; }
    PowerState power_state() override;
    void reset(ResetType type) override;
    BootOverride boot() override;
    void set_boot(const BootOverride& boot) override;
    Media media(MediaSlot slot) override;
    void insert_media(MediaSlot slot, const Media& media) override;
    void eject_media(MediaSlot slot) override;
    nlohmann::json raw_state() override;
    void poll() override;
    void shutdown() override;

private:
    using Clock = std::chrono::steady_clock;

    // These run with op_mutex_ held.
    void start();
    void stop();
    void press_power_button();
    nlohmann::json qmp(const std::string& command, const nlohmann::json& args = nlohmann::json::object());

    bool running();  // with mutex_ held
    std::string media_file(MediaSlot slot) const;
    std::string log_tail() const;

    const QemuConfig config_;
    const std::string dir_;
    const std::string qmp_socket_;
    const std::string console_log_;
    const std::string qemu_log_;

    // One power or media operation at a time; held for seconds (a start
    // waits for QMP). power_state() and GETs never take it.
    std::mutex op_mutex_;
    // Serialises downloads, which must not hold op_mutex_ for minutes.
    std::mutex download_mutex_;
    // Guards everything below; held briefly.
    std::mutex mutex_;
    std::unique_ptr<ChildProcess> child_;
    Clock::time_point started_at_{};
    // Set by GracefulRestart: start again when the guest powers off before this.
    std::optional<Clock::time_point> restart_by_;
    BootOverride boot_;
    Media media_[2];
    int power_on_count_ = 0;
    BootTarget last_boot_target_ = BootTarget::None;
    std::string last_reset_;
    std::vector<std::string> last_argv_;
    std::optional<int> last_exit_code_;
};

}  // namespace ingot::vbmc
