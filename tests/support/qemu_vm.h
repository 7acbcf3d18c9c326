// Test support: a QEMU virtual machine as the machine under test — TCG
// only (KVM does not run ordinary guests here, see notes/qemu-and-bmc.md),
// a raw virtio-blk disk file, a virtio-net NIC on QEMU's user network
// (slirp: the guest reaches the host's loopback as 10.0.2.2, and slirp's
// DHCP hands the NIC's firmware `bootfile`, from slirp's TFTP server when
// `tftp_root` is set), and the serial console in a file.
//
//   if (!test::qemu_available()) GTEST_SKIP() << test::kQemuNotInstalled;
//   test::QemuMachineSpec spec{.dir = work.path(), .disk = disk, .mac = mac, .bootfile = url};
//   test::QemuVm vm(spec, test::BootOrder::network_first);
//   ASSERT_TRUE(vm.console().wait_for("ingot-ramdisk: network up", 120s)) << vm.console().tail();
//
// Every QEMU runs under `timeout --kill-after=5 LIMIT` (a hung guest never
// outlives its wall-clock limit) and `setpriv --pdeathsig KILL` (it dies
// with whatever started it). QemuVm stops its machine by PID in the
// destructor; IpmiSim (ipmi_sim.h) can run the same machine behind a BMC.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "common/process.h"

namespace ingot::test {

inline constexpr const char* kQemuNotInstalled =
    "qemu-system-x86_64 is not installed (Debian packages qemu-system-x86 ipxe-qemu seabios ovmf)";

// Whether qemu-system-x86_64 (and timeout, setpriv) are on PATH.
bool qemu_available();

// Which device the firmware tries first. Set with bootindex on the devices:
// OVMF ignores `-boot order`.
enum class BootOrder { network_first, disk_first };

struct QemuMachineSpec {
    // Where console.log (the serial console) and qemu.log (QEMU's own
    // output) go. IpmiSim uses its own directory when this is empty.
    std::string dir;
    std::string disk;  // raw disk image file, the guest's /dev/vda
    std::string mac = "52:54:00:12:34:56";
    // Given to the guest by slirp's DHCP as its boot file: a URL (the NIC's
    // iPXE ROM fetches it over HTTP) or, with tftp_root, a file in it
    // (firmware PXE over TFTP: pxelinux.0, bootx64.efi); empty: none.
    std::string bootfile;
    // The directory slirp's TFTP server serves at 10.0.2.2; empty: no TFTP.
    std::string tftp_root;
    // A host port on 127.0.0.1 forwarded to the guest's agent (port 9999),
    // which the guest's NAT otherwise hides from the conductor; 0: none.
    int agent_port_forward = 0;
    bool uefi = false;       // OVMF instead of SeaBIOS
    int memory_mib = 0;      // 0: 256 MiB for BIOS, 512 MiB for UEFI
    bool no_reboot = false;  // a guest reboot (or a panic with panic=-1) ends QEMU
    // Hard limit on one QEMU run, whatever the guest does.
    std::chrono::seconds wall_limit{600};

    std::string console_path() const { return dir + "/console.log"; }
    std::string qemu_log_path() const { return dir + "/qemu.log"; }
};

// The qemu-system-x86_64 argument vector for the machine.
std::vector<std::string> qemu_argv(const QemuMachineSpec& spec, BootOrder order);
// The same, bounded: timeout --kill-after=5 LIMIT setpriv --pdeathsig KILL qemu...
std::vector<std::string> bounded_qemu_argv(const QemuMachineSpec& spec, BootOrder order);

// Whether `pid` is a process that has not exited: it exists and is not a
// zombie (a dead QEMU can stay a zombie for a while here when nobody reaps
// it, so kill(pid, 0) is not enough).
bool process_alive(pid_t pid);

// A serial console log file that grows while the guest runs. Appended to
// across QEMU runs (the machine's whole life is in one file); size() marks
// a point to wait from.
class ConsoleLog {
public:
    explicit ConsoleLog(std::string path) : path_(std::move(path)) {}
    const std::string& path() const { return path_; }
    // The text from byte `from` on, carriage returns dropped.
    std::string text(std::size_t from = 0) const;
    std::size_t size() const;
    // The last `lines` lines, for failure messages.
    std::string tail(std::size_t lines = 40) const;
    // Polls until `pattern` (a substring, or a regex) appears after `from`
    // or `timeout` passes; the matched text, empty when it never appeared.
    std::string wait_for(const std::string& substring, std::chrono::milliseconds timeout, std::size_t from = 0) const;
    std::string wait_for(const std::regex& pattern, std::chrono::milliseconds timeout, std::size_t from = 0) const;

private:
    std::string path_;
};

// One QEMU run started by the test itself (no BMC): started by the
// constructor, stopped by stop() or the destructor.
class QemuVm {
public:
    QemuVm(QemuMachineSpec spec, BootOrder order);
    ~QemuVm();
    QemuVm(const QemuVm&) = delete;
    QemuVm& operator=(const QemuVm&) = delete;

    pid_t pid() const { return child_->pid(); }
    bool running() { return child_->running(); }
    // Waits up to `timeout` for QEMU to end by itself (the guest powered off).
    bool wait_for_exit(std::chrono::milliseconds timeout);
    // SIGTERM, then SIGKILL after 5 s; returns the exit status of the
    // timeout wrapper (124 when the wall-clock limit ended it).
    int stop();

    const QemuMachineSpec& spec() const { return spec_; }
    const ConsoleLog& console() const { return console_; }
    // Shortcuts for console().wait_for(...) and console().text().
    template <class Pattern>
    std::string wait_for_console(const Pattern& pattern, std::chrono::milliseconds timeout) const {
        return console_.wait_for(pattern, timeout);
    }
    std::string console_text() const { return console_.text(); }
    std::string qemu_log() const;  // QEMU's stderr (bad options, TCG errors)

private:
    QemuMachineSpec spec_;
    ConsoleLog console_;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
