#include "tests/support/ipmi_sim.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

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
    const std::string script = file("chassis_control");
    write_file(script, chassis_script(dir_.path()), 0755);
    write_file(file("bmc.emu"), kBmcEmu);
    write_file(file("power"), "0\n");
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
    if (child_) child_->stop();
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
    return read_file(dir_.path() + "/power").find('1') != std::string::npos;
}

void IpmiSim::set_power(bool on) {
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
