#include "tests/support/qemu_vm.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/loop_device.h"

namespace ingot::test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kOvmf = "/usr/share/ovmf/OVMF.fd";

std::string read_all(const std::string& path, std::size_t from = 0) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return "";
    f.seekg(static_cast<std::streamoff>(from));
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

}  // namespace

bool qemu_available() {
    return have_tool("qemu-system-x86_64") && have_tool("timeout") && have_tool("setpriv");
}

std::vector<std::string> qemu_argv(const QemuMachineSpec& spec, BootOrder order) {
    const bool net_first = order == BootOrder::network_first;
    const int memory = spec.memory_mib > 0 ? spec.memory_mib : spec.uefi ? 512 : 256;
    std::vector<std::string> argv = {"qemu-system-x86_64", "-accel", "tcg", "-m", std::to_string(memory), "-smp", "1",
                                     "-nographic", "-nodefaults", "-no-user-config",
                                     // append=on: a machine powered on again by its BMC keeps one console
                                     // file with its whole life (the ramdisk, then the instance).
                                     "-chardev", "file,id=console0,path=" + spec.console_path() + ",append=on",
                                     "-serial", "chardev:console0", "-drive",
                                     "file=" + spec.disk + ",if=none,id=disk0,format=raw", "-device",
                                     "virtio-blk-pci,drive=disk0,bootindex=" + std::string(net_first ? "2" : "1")};
    std::string netdev = "user,id=net0";
    if (!spec.tftp_root.empty()) netdev += ",tftp=" + spec.tftp_root;
    if (!spec.bootfile.empty()) netdev += ",bootfile=" + spec.bootfile;
    if (spec.agent_port_forward > 0)
        netdev += ",hostfwd=tcp:127.0.0.1:" + std::to_string(spec.agent_port_forward) + "-:9999";
    argv.insert(argv.end(),
                {"-netdev", netdev, "-device",
                 "virtio-net-pci,netdev=net0,mac=" + spec.mac + ",bootindex=" + std::string(net_first ? "1" : "2")});
    if (spec.uefi) argv.insert(argv.end(), {"-bios", kOvmf});
    if (spec.no_reboot) argv.push_back("-no-reboot");
    return argv;
}

std::vector<std::string> bounded_qemu_argv(const QemuMachineSpec& spec, BootOrder order) {
    // timeout: the wall-clock limit, SIGKILL 5 s after its SIGTERM. setpriv:
    // QEMU gets SIGKILL when `timeout` dies, so killing the wrapper (or the
    // test that started it) never leaves a QEMU running.
    std::vector<std::string> argv = {"timeout", "--kill-after=5", std::to_string(spec.wall_limit.count()),
                                     "setpriv", "--pdeathsig",    "KILL"};
    for (auto& a : qemu_argv(spec, order)) argv.push_back(std::move(a));
    return argv;
}

bool process_alive(pid_t pid) {
    if (pid <= 0) return false;
    // /proc/PID/stat: "PID (comm) STATE ..."; comm may hold spaces and
    // parentheses, so the state follows the last ')'.
    const std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
    const char state = stat[paren + 2];
    return state != 'Z' && state != 'X' && state != 'x';
}

std::string ConsoleLog::text(std::size_t from) const {
    std::string s = read_all(path_, from);
    std::erase(s, '\r');
    return s;
}

std::size_t ConsoleLog::size() const {
    std::error_code ec;
    auto n = std::filesystem::file_size(path_, ec);
    return ec ? 0 : static_cast<std::size_t>(n);
}

std::string ConsoleLog::tail(std::size_t lines) const {
    const std::string s = text();
    std::size_t at = s.size();
    for (std::size_t n = 0; at > 0 && n <= lines; ++n) {
        at = s.rfind('\n', at - 1);
        if (at == std::string::npos) return s;
    }
    return s.substr(at + 1);
}

std::string ConsoleLog::wait_for(const std::string& substring, std::chrono::milliseconds timeout,
                                 std::size_t from) const {
    const auto deadline = Clock::now() + timeout;
    do {
        if (text(from).find(substring) != std::string::npos) return substring;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (Clock::now() < deadline);
    return "";
}

std::string ConsoleLog::wait_for(const std::regex& pattern, std::chrono::milliseconds timeout, std::size_t from) const {
    const auto deadline = Clock::now() + timeout;
    do {
        const std::string s = text(from);
        std::smatch m;
        if (std::regex_search(s, m, pattern)) return m.str(0);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (Clock::now() < deadline);
    return "";
}

QemuVm::QemuVm(QemuMachineSpec spec, BootOrder order) : spec_(std::move(spec)), console_(spec_.console_path()) {
    if (spec_.dir.empty()) throw std::invalid_argument("QemuVm: spec.dir is required");
    child_ = std::make_unique<ChildProcess>(bounded_qemu_argv(spec_, order), spec_.qemu_log_path());
}

QemuVm::~QemuVm() {
    stop();
}

bool QemuVm::wait_for_exit(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (child_->running()) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
}

int QemuVm::stop() {
    // `timeout` passes SIGTERM on to QEMU, which exits at once; after the
    // grace, ChildProcess kills the whole process group.
    return child_->stop(SIGTERM, std::chrono::seconds(5));
}

std::string QemuVm::qemu_log() const {
    return read_all(spec_.qemu_log_path());
}

}  // namespace ingot::test
