#include "vbmc/qemu_machine.h"

#include <sys/un.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/errors.h"
#include "common/log.h"
#include "vbmc/media_download.h"
#include "vbmc/qmp_client.h"

namespace ingot::vbmc {
namespace fs = std::filesystem;

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(15);
constexpr auto kStopGrace = std::chrono::seconds(5);

std::string ms_since(std::chrono::steady_clock::time_point t) {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t).count());
}

}  // namespace

QemuMachine::QemuMachine(MachineInfo info, QemuConfig config, std::string state_dir)
    : Machine(std::move(info)),
      config_(std::move(config)),
      dir_(std::move(state_dir)),
      qmp_socket_(dir_ + "/qmp.sock"),
      console_log_(dir_ + "/console.log"),
      qemu_log_(dir_ + "/qemu.log") {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) throw ConfigError("cannot create state directory " + dir_ + ": " + ec.message());
    if (qmp_socket_.size() >= sizeof(sockaddr_un{}.sun_path))
        throw ConfigError("state directory path too long for a unix socket (" + qmp_socket_ +
                          "); choose a shorter --state-dir");
    boot_.mode = config_.firmware;
}

QemuMachine::~QemuMachine() {
    shutdown();
}

void QemuMachine::shutdown() {
    std::lock_guard op(op_mutex_);
    stop();
}

bool QemuMachine::running() {
    return child_ && child_->running();
}

PowerState QemuMachine::power_state() {
    std::lock_guard lock(mutex_);
    return running() ? PowerState::On : PowerState::Off;
}

std::string QemuMachine::media_file(MediaSlot slot) const {
    return dir_ + "/media-" + to_string(slot) + ".img";
}

std::string QemuMachine::log_tail() const {
    std::ifstream f(qemu_log_);
    std::stringstream s;
    s << f.rdbuf();
    std::string text = s.str();
    return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

nlohmann::json QemuMachine::qmp(const std::string& command, const nlohmann::json& args) {
    QmpClient client(qmp_socket_);
    return client.execute(command, args);
}

void QemuMachine::start() {
    QemuLaunch launch;
    BootOverride before;
    {
        std::lock_guard lock(mutex_);
        if (running()) return;
        before = boot_;
        launch.boot = take_boot_target(boot_);
        launch.mode = boot_.mode;
        // Media inserted while off is attached on the command line.
        if (media_[0].inserted && fs::exists(media_file(MediaSlot::Cd))) launch.cd_file = media_file(MediaSlot::Cd);
        if (media_[1].inserted && fs::exists(media_file(MediaSlot::Floppy))) {
            launch.floppy_file = media_file(MediaSlot::Floppy);
            launch.floppy_read_only = media_[1].write_protected;
        }
    }
    launch.name = info().id;
    launch.uuid = info().uuid;
    launch.qmp_socket = qmp_socket_;
    launch.console_log = console_log_;
    auto argv = qemu_argv(config_, launch);
    std::error_code ec;
    fs::remove(qmp_socket_, ec);

    const auto t0 = Clock::now();
    std::unique_ptr<ChildProcess> child;
    try {
        child = std::make_unique<ChildProcess>(argv, qemu_log_);
        // Powered on means QMP answers: media and power requests that follow
        // must find it.
        for (;;) {
            if (!child->running())
                throw Error("QEMU for system " + info().id + " exited at start (code " + std::to_string(child->stop()) +
                            "): " + log_tail());
            if (Clock::now() - t0 > kStartTimeout)
                throw Error("QEMU for system " + info().id + " did not open its QMP socket within 15 s: " + log_tail());
            try {
                QmpClient probe(qmp_socket_, std::chrono::seconds(2));
                break;
            } catch (const QmpError&) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
    } catch (...) {
        if (child) child->stop(SIGKILL, std::chrono::seconds(1));
        std::lock_guard lock(mutex_);
        boot_ = before;  // a failed power-on did not use the one-time override
        throw;
    }
    std::lock_guard lock(mutex_);
    log::info("vbmc.qemu_started", {{"system", info().id},
                                    {"pid", std::to_string(child->pid())},
                                    {"boot", to_string(launch.boot)},
                                    {"mode", to_string(launch.mode)},
                                    {"ms", ms_since(t0)}});
    child_ = std::move(child);
    started_at_ = Clock::now();
    ++power_on_count_;
    last_boot_target_ = launch.boot;
    last_argv_ = std::move(argv);
    last_exit_code_.reset();
}

void QemuMachine::stop() {
    std::unique_ptr<ChildProcess> child;
    {
        std::lock_guard lock(mutex_);
        child = std::move(child_);
        restart_by_.reset();
    }
    if (!child) return;
    const auto t0 = Clock::now();
    if (child->running()) {
        try {
            QmpClient(qmp_socket_, std::chrono::seconds(2)).execute("quit");
        } catch (const QmpError& e) {
            log::warning("vbmc.qmp_quit_failed", {{"system", info().id}, {"error", e.what()}});
        }
    }
    // Waits for the exit (and reaps it: no zombie); SIGKILL after the grace.
    int code = child->stop(SIGTERM, kStopGrace);
    std::lock_guard lock(mutex_);
    last_exit_code_ = code;
    log::info("vbmc.qemu_stopped", {{"system", info().id}, {"exit_code", std::to_string(code)}, {"ms", ms_since(t0)}});
}

void QemuMachine::press_power_button() {
    // The guest decides: an OS with ACPI powers off (QEMU then exits and
    // poll() notices); firmware alone ignores it, as on real hardware.
    qmp("system_powerdown");
}

void QemuMachine::reset(ResetType type) {
    std::lock_guard op(op_mutex_);
    bool on;
    {
        std::lock_guard lock(mutex_);
        on = running();
        last_reset_ = to_string(type);
    }
    log::info("vbmc.reset",
              {{"system", info().id}, {"reset_type", to_string(type)}, {"was_on", on ? "true" : "false"}});
    switch (type) {
        case ResetType::On:
        case ResetType::ForceOn:
            start();
            break;
        case ResetType::ForceOff:
            stop();
            break;
        case ResetType::GracefulShutdown:
            if (on) press_power_button();
            break;
        case ResetType::PushPowerButton:
            if (on) {
                press_power_button();
            } else {
                start();
            }
            break;
        case ResetType::ForceRestart:
        case ResetType::PowerCycle:
            // A new process, not QMP system_reset: the boot order is fixed
            // at start, and a changed override must apply.
            stop();
            start();
            break;
        case ResetType::GracefulRestart:
            if (!on) {
                start();
                break;
            }
            press_power_button();
            {
                std::lock_guard lock(mutex_);
                restart_by_ = Clock::now() + std::chrono::seconds(config_.graceful_timeout_s);
            }
            break;
        case ResetType::Nmi:
            if (!on) throw Conflict("system " + info().id + " is powered off; an NMI needs it on");
            qmp("inject-nmi");
            break;
    }
}

void QemuMachine::poll() {
    // Skip this round while a power operation runs; it will be seen next time.
    std::unique_lock op(op_mutex_, std::try_to_lock);
    if (!op) return;
    bool restart = false;
    bool over_time = false;
    {
        std::lock_guard lock(mutex_);
        if (child_ && !child_->running()) {
            // running() reaped it (waitpid): no zombie is left behind.
            last_exit_code_ = child_->stop();
            log::info("vbmc.qemu_exited", {{"system", info().id}, {"exit_code", std::to_string(*last_exit_code_)}});
            child_.reset();
            restart = restart_by_ && Clock::now() < *restart_by_;
            restart_by_.reset();
        } else if (restart_by_ && Clock::now() >= *restart_by_) {
            log::warning("vbmc.graceful_restart_ignored",
                         {{"system", info().id}, {"timeout_s", std::to_string(config_.graceful_timeout_s)}});
            restart_by_.reset();
        }
        over_time = child_ && config_.max_runtime_s > 0 &&
                    Clock::now() - started_at_ > std::chrono::seconds(config_.max_runtime_s);
    }
    if (over_time) {
        log::warning("vbmc.qemu_max_runtime",
                     {{"system", info().id}, {"max_runtime_s", std::to_string(config_.max_runtime_s)}});
        stop();
    }
    if (restart) {
        try {
            start();
        } catch (const std::exception& e) {
            log::error("vbmc.restart_failed", {{"system", info().id}, {"error", e.what()}});
        }
    }
}

BootOverride QemuMachine::boot() {
    std::lock_guard lock(mutex_);
    return boot_;
}

void QemuMachine::set_boot(const BootOverride& boot) {
    std::lock_guard lock(mutex_);
    boot_ = boot;
}

Media QemuMachine::media(MediaSlot slot) {
    std::lock_guard lock(mutex_);
    return media_[static_cast<int>(slot)];
}

void QemuMachine::insert_media(MediaSlot slot, const Media& media) {
    const std::string file = media_file(slot);
    std::unique_lock download(download_mutex_);
    if (media.inserted) download_media(media.image, file, std::chrono::seconds(config_.download_timeout_s));
    std::lock_guard op(op_mutex_);
    download.unlock();
    bool on;
    {
        std::lock_guard lock(mutex_);
        on = running();
    }
    if (on && media.inserted) {
        // A CD is read-only whatever the client asks.
        const bool read_only = slot == MediaSlot::Cd || media.write_protected;
        qmp("blockdev-change-medium", {{"id", qemu_media_device(slot)},
                                       {"filename", file},
                                       {"format", "raw"},
                                       {"read-only-mode", read_only ? "read-only" : "read-write"}});
    } else if (on) {
        qmp("eject", {{"id", qemu_media_device(slot)}, {"force", true}});
    }
    std::lock_guard lock(mutex_);
    media_[static_cast<int>(slot)] = media;
}

void QemuMachine::eject_media(MediaSlot slot) {
    std::lock_guard op(op_mutex_);
    bool on;
    {
        std::lock_guard lock(mutex_);
        on = running();
    }
    // force: the guest may have locked the tray.
    if (on) qmp("eject", {{"id", qemu_media_device(slot)}, {"force", true}});
    std::error_code ec;
    fs::remove(media_file(slot), ec);
    std::lock_guard lock(mutex_);
    media_[static_cast<int>(slot)] = Media{};
}

nlohmann::json QemuMachine::raw_state() {
    // op_mutex_: QEMU serves one QMP client at a time.
    std::lock_guard op(op_mutex_);
    nlohmann::json state;
    bool on;
    {
        std::lock_guard lock(mutex_);
        on = running();
        state = describe(info(), on ? PowerState::On : PowerState::Off, boot_, media_[0], media_[1]);
        state["backend"] = "qemu";
        state["power_on_count"] = power_on_count_;
        state["last_boot_target"] = to_string(last_boot_target_);
        state["last_reset"] = last_reset_.empty() ? nlohmann::json() : nlohmann::json(last_reset_);
        state["qemu"] = {{"pid", on ? nlohmann::json(child_->pid()) : nlohmann::json()},
                         {"argv", last_argv_},
                         {"state_dir", dir_},
                         {"console_log", console_log_},
                         {"last_exit_code", last_exit_code_ ? nlohmann::json(*last_exit_code_) : nlohmann::json()}};
    }
    if (!on) return state;
    try {
        QmpClient client(qmp_socket_);
        state["qemu"]["status"] = client.execute("query-status").value("status", "");
        nlohmann::json block = nlohmann::json::object();
        for (const auto& dev : client.execute("query-block")) {
            auto inserted = dev.find("inserted");
            block[dev.value("device", "?")] = inserted == dev.end()
                                                  ? nlohmann::json()
                                                  : nlohmann::json{{"file", inserted->value("file", "")},
                                                                   {"read_only", inserted->value("ro", false)}};
        }
        state["qemu"]["block"] = block;
    } catch (const QmpError& e) {
        state["qemu"]["qmp_error"] = e.what();
    }
    return state;
}

}  // namespace ingot::vbmc
