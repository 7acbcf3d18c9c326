#include "tests/support/ipmi_sim.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ingot::test {
namespace {

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':'))
        if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    return false;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& text, mode_t mode = 0644) {
    {
        std::ofstream f(path);
        f << text;
        if (!f) throw std::runtime_error("cannot write " + path);
    }
    chmod(path.c_str(), mode);
}

// ipmi_sim runs this synchronously for every chassis request, so it only
// records and answers (no machine behind it). "shutdown" is an ACPI soft
// off, which the pretend OS obeys at once.
std::string chassis_script(const std::string& dir) {
    return "#!/bin/sh\n"
           "d='" +
           dir +
           "'\n"
           "echo \"$*\" >> \"$d/chassis.log\"\n"
           "op=$1; shift\n"
           "case \"$op\" in\n"
           "get)\n"
           "  for key in \"$@\"; do\n"
           "    case \"$key\" in\n"
           "      power) echo \"power:$(cat \"$d/power\" 2>/dev/null || echo 0)\" ;;\n"
           "      boot) echo \"boot:$(cat \"$d/boot\" 2>/dev/null || echo default)\" ;;\n"
           "    esac\n"
           "  done ;;\n"
           "set)\n"
           "  while [ $# -ge 2 ]; do\n"
           "    case \"$1\" in\n"
           "      power) echo \"$2\" > \"$d/power\" ;;\n"
           "      shutdown) echo 0 > \"$d/power\" ;;\n"
           "      boot) echo \"$2\" > \"$d/boot\" ;;\n"
           "    esac\n"
           "    shift 2\n"
           "  done ;;\n"
           "esac\n"
           "exit 0\n";
}

// With a QEMU machine behind the chassis. ipmi_sim waits for this script
// on every chassis request, and ipmitool retransmits (the action then runs
// twice) when it takes more than about a second: so QEMU is started
// detached and never waited for, and a stop waits at most a second.
//   get power        power:1 while the recorded QEMU runs (not a zombie)
//   get boot         the last device set (ipmi_sim says "default" for disk)
//   set power 1      starts QEMU unless it runs: disk first when the boot
//                    device is "default", network first otherwise
//   set power 0      kills QEMU's process group (SIGTERM, then SIGKILL)
//   set shutdown 1   the same: ipmi_sim's ACPI soft off, but the test
//                    machine has no button wired, so it is a hard off
//   set reset 1      kills QEMU and starts it again (a new boot)
//   set boot DEV     recorded for the next start
// Every start and stop is marked in the console log with the wall-clock
// time, to line the console up with the conductor's log.
std::string machine_chassis_script(const std::string& dir, const std::string& console, const std::string& qemu_log) {
    return "#!/bin/bash\n"
           "d='" +
           dir +
           "'\n"
           "console='" +
           console +
           "'\n"
           "qemu_log='" +
           qemu_log + "'\n" +
           R"SH([ -n "$INGOT_CHASSIS_QUIET" ] || echo "$*" >> "$d/chassis.log"

mark() { printf '\n[ingot-test bmc] %s %s\n' "$(date +%T.%3N)" "$*" >> "$console"; }

# PID exists and is no zombie (nobody may reap a detached QEMU for a while).
alive() {
  local stat state
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  case "${state%% *}" in Z|X|x) return 1 ;; esac
}

# The recorded PID is alive and ours: PIDs are reused, and ours names the
# console file on its command line.
running() {
  local pid
  pid=$(cat "$d/qemu.pid" 2>/dev/null) && [ -n "$pid" ] && alive "$pid" || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$console"
}

start() {
  running && return 0
  local order=network argv
  [ "$(cat "$d/boot" 2>/dev/null)" = default ] && order=disk
  mapfile -d '' -t argv < "$d/qemu-argv.$order"
  mark "power on, $order first"
  # setsid: a session and process group of its own, so that ipmi_sim's
  # death or a group kill aimed at it leaves the machine alone, and the
  # machine's group can be killed whole. A background job of a script is no
  # group leader, so setsid does not fork and $! is the group's leader.
  setsid "${argv[@]}" < /dev/null >> "$qemu_log" 2>&1 &
  local qemu=$!
  echo $qemu > "$d/qemu.pid"
  # A test killed outright (SIGKILL, a crash) runs no destructor, and this
  # QEMU is no child of it: a watchdog kills the machine's group within a
  # second of the test process' death, long before `timeout` would.
  INGOT_CHASSIS_QUIET=1 setsid "$0" watchdog "$(cat "$d/owner.pid")" "$qemu" < /dev/null > /dev/null 2>&1 &
}

stop() {
  running || return 0
  local pid i
  pid=$(cat "$d/qemu.pid")
  kill -TERM -- "-$pid" 2>/dev/null
  for i in $(seq 40); do running || break; sleep 0.02; done
  running && kill -KILL -- "-$pid" 2>/dev/null
  for i in $(seq 10); do running || break; sleep 0.02; done
  mark "power off"
}

op=$1; shift
case "$op" in
get)
  for key in "$@"; do
    case "$key" in
      power) if running; then echo power:1; else echo power:0; fi ;;
      boot) echo "boot:$(cat "$d/boot" 2>/dev/null || echo default)" ;;
    esac
  done ;;
set)
  while [ $# -ge 2 ]; do
    case "$1" in
      power) if [ "$2" = 1 ]; then start; else stop; fi ;;
      shutdown) [ "$2" = 1 ] && stop ;;
      reset) if [ "$2" = 1 ]; then stop; start; fi ;;
      boot) echo "$2" > "$d/boot" ;;
    esac
    shift 2
  done ;;
watchdog)  # OWNER_PID QEMU_GROUP: ends with the machine, or kills it when the owner dies
  while alive "$2"; do
    kill -0 "$1" 2>/dev/null || { kill -KILL -- "-$2" 2>/dev/null; break; }
    sleep 1
  done ;;
esac
exit 0
)SH";
}

const char* kBmcEmu =
    "mc_setbmc 0x20\n"
    "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\n"
    "sel_enable 0x20 1000 0x0a\n"
    "mc_enable 0x20\n";

std::string lan_conf(int port, const std::string& script, const std::string& user, const std::string& password) {
    std::ostringstream s;
    s << "name \"ingot-test\"\n"
      << "set_working_mc 0x20\n"
      << "  startlan 1\n"
      << "    addr 127.0.0.1 " << port << "\n"
      << "    priv_limit admin\n"
      << "    allowed_auths_callback none md2 md5 straight\n"
      << "    allowed_auths_user none md2 md5 straight\n"
      << "    allowed_auths_operator none md2 md5 straight\n"
      << "    allowed_auths_admin none md2 md5 straight\n"
      << "    guid a123456789abcdefa123456789abcdef\n"
      << "  endlan\n"
      << "  chassis_control \"" << script << "\"\n"
      << "  user 2 true \"" << user << "\" \"" << password << "\" admin 10 none md2 md5 straight\n";
    return s.str();
}

}  // namespace

bool IpmiSim::available() {
    return on_path("ipmi_sim") && on_path("ipmitool");
}

IpmiSim::IpmiSim(std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)) {
    write_file(file("power"), "0\n");
    start(chassis_script(dir_.path()));
}

IpmiSim::IpmiSim(QemuMachineSpec machine, std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)), machine_(std::move(machine)) {
    if (machine_->dir.empty()) machine_->dir = dir_.path();
    write_machine_files();
    try {
        start(machine_chassis_script(dir_.path(), machine_->console_path(), machine_->qemu_log_path()));
    } catch (...) {
        kill_machine();
        throw;
    }
}

void IpmiSim::write_machine_files() {
    // One NUL-separated argv per boot order: the script reads them with
    // `mapfile -d ''`, so no argument is ever split or re-parsed by a shell.
    for (auto [name, order] : {std::pair{"network", BootOrder::network_first}, {"disk", BootOrder::disk_first}}) {
        std::string text;
        for (const auto& arg : bounded_qemu_argv(*machine_, order)) text += arg + '\0';
        write_file(file(std::string("qemu-argv.") + name), text);
    }
    write_file(file("boot"), "pxe\n");
    write_file(file("owner.pid"), std::to_string(getpid()) + "\n");
}

void IpmiSim::start(const std::string& chassis_text) {
    const std::string script = file("chassis_control");
    write_file(script, chassis_text, 0755);
    write_file(file("bmc.emu"), kBmcEmu);
    // A port picked now may be taken before ipmi_sim binds it: try again.
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = free_udp_port();
        write_file(file("lan.conf"), lan_conf(port_, script, username_, password_));
        const std::string state = file("state-" + std::to_string(attempt));  // fresh: it remembers users
        std::filesystem::create_directories(state);
        child_ = std::make_unique<ChildProcess>(
            std::vector<std::string>{"ipmi_sim", "-c", file("lan.conf"), "-f", file("bmc.emu"), "-s", state, "-n"},
            file("ipmi_sim.log"));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (child_->running() && std::chrono::steady_clock::now() < deadline) {
            if (answers()) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        child_->stop();
    }
    throw std::runtime_error("ipmi_sim did not answer `ipmitool power status`:\n" + log());
}

IpmiSim::~IpmiSim() {
    // The BMC first, so that nothing starts the machine again meanwhile.
    if (child_) child_->stop();
    if (machine_) kill_machine();
}

std::string IpmiSim::chassis(const std::vector<std::string>& args) const {
    ProcessOptions opts;
    opts.timeout = std::chrono::seconds(10);
    opts.extra_env = {{"INGOT_CHASSIS_QUIET", "1"}};
    opts.log = false;
    std::vector<std::string> argv = {file("chassis_control")};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_process(argv, opts);
    if (r.exit_code != 0) throw std::runtime_error("chassis_control failed: " + r.err);
    return r.out;
}

pid_t IpmiSim::machine_pid() const {
    if (!machine_) return -1;
    std::string text = read_file(file("qemu.pid"));
    pid_t pid = static_cast<pid_t>(std::atol(text.c_str()));
    if (!process_alive(pid)) return -1;
    // PIDs are reused: only a process whose command line names our files is ours.
    std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    return cmdline.find(machine_->console_path()) != std::string::npos ? pid : -1;
}

void IpmiSim::kill_machine() {
    // The `timeout` wrapper leads its own process group (setsid) with QEMU
    // in it; SIGTERM to the group, SIGKILL after 5 s.
    const pid_t pid = machine_pid();
    if (pid <= 0) return;
    kill(-pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (process_alive(pid) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (process_alive(pid)) kill(-pid, SIGKILL);
}

std::string IpmiSim::machine_log() const {
    return machine_ ? read_file(machine_->qemu_log_path()) : "";
}

bool IpmiSim::answers() {
    ProcessOptions opts;
    opts.timeout = std::chrono::seconds(5);
    opts.extra_env = {{"IPMI_PASSWORD", password_}, {"IPMITOOL_PASSWORD", password_}};
    opts.log = false;
    auto r = run_process({"ipmitool", "-I", "lanplus", "-C", "3", "-H", "127.0.0.1", "-p", std::to_string(port_), "-U",
                          username_, "-E", "-R", "1", "-N", "1", "power", "status"},
                         opts);
    return r.exit_code == 0 && r.out.find("Chassis Power is") != std::string::npos;
}

nlohmann::json IpmiSim::driver_info() const {
    return {
        {"ipmi_address", address()}, {"ipmi_port", port_}, {"ipmi_username", username_}, {"ipmi_password", password_}};
}

bool IpmiSim::power_on() const {
    if (machine_) return chassis({"get", "power"}).find("power:1") != std::string::npos;
    return read_file(dir_.path() + "/power").find('1') != std::string::npos;
}

void IpmiSim::set_power(bool on) {
    if (machine_) {
        chassis({"set", "power", on ? "1" : "0"});
        return;
    }
    write_file(dir_.path() + "/power", on ? "1\n" : "0\n");
}

std::string IpmiSim::boot_device() const {
    std::string s = read_file(dir_.path() + "/boot");
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::vector<std::string> IpmiSim::chassis_calls() const {
    std::vector<std::string> calls;
    std::stringstream s(read_file(dir_.path() + "/chassis.log"));
    std::string line;
    while (std::getline(s, line))
        if (!line.empty()) calls.push_back(line);
    return calls;
}

std::string IpmiSim::log() const {
    return read_file(dir_.path() + "/ipmi_sim.log");
}

namespace {

int bind_udp(int fd) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
}

}  // namespace

int free_udp_port() {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int port = fd < 0 ? -1 : bind_udp(fd);
    if (fd >= 0) close(fd);
    if (port <= 0) throw std::runtime_error("cannot bind a free UDP port");
    return port;
}

SilentUdpPort::SilentUdpPort() {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    port_ = fd_ < 0 ? -1 : bind_udp(fd_);
    if (port_ <= 0) {
        if (fd_ >= 0) close(fd_);
        throw std::runtime_error("cannot bind a UDP port");
    }
}

SilentUdpPort::~SilentUdpPort() {
    if (fd_ >= 0) close(fd_);
}

}  // namespace ingot::test
