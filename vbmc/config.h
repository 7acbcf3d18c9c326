// Which systems an ingot-vbmc serves: read from the --config JSON file or
// made up by --memory-systems N. The file format (README):
//
//   {"systems": [
//     {"id": "node-0", "backend": "memory", "name": "...", "uuid": "...",
//      "macs": ["52:54:00:00:00:01"], "memory_mib": 1024, "cpus": 1},
//     {"id": "vm-0", "backend": "qemu", "qemu": {
//        "memory_mib": 256, "cpus": 1, "firmware": "bios" | "uefi",
//        "ovmf": "/usr/share/ovmf/OVMF.fd",
//        "disk": {"path": "vm-0.qcow2", "format": "qcow2"},
//        "nics": [{"mac": "52:54:00:12:34:56", "model": "virtio-net-pci",
//                  "user_options": "bootfile=http://10.0.2.2:8080/boot.ipxe"}],
//        "no_reboot": false, "max_runtime_s": 0, "graceful_timeout_s": 120,
//        "download_timeout_s": 600, "extra_args": [], "binary": "qemu-system-x86_64"}}
//   ]}
//
// Only "id" is required. Relative disk paths are relative to the file.
// Unknown keys are errors (a typo must not silently change a test).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

#include "vbmc/machine.h"
#include "vbmc/qemu_command.h"

namespace ingot::vbmc {

struct SystemConfig {
    MachineInfo info;
    std::string backend = "memory";  // or "qemu"
    QemuConfig qemu;
};

// Throws ConfigError naming the bad key and system.
std::vector<SystemConfig> parse_config(const nlohmann::json& doc, const std::string& base_dir);
std::vector<SystemConfig> load_config_file(const std::string& path);
// Systems "node-0" .. "node-<count-1>", random UUIDs, one MAC each.
std::vector<SystemConfig> memory_systems(int count);

// A MAC in QEMU's locally administered range, derived from the system id so
// that it is the same at every start.
std::string mac_for(const std::string& id, size_t index);

// QEMU machines keep their files under `state_dir`/<id>.
std::vector<std::unique_ptr<Machine>> make_machines(const std::vector<SystemConfig>& systems,
                                                    const std::string& state_dir);

}  // namespace ingot::vbmc
