// What every boot interface that hands a machine a kernel needs: which
// kernel and ramdisk, the kernel command line the agent reads, the MACs the
// machine boots from, and small file helpers for the boot roots.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "boot/boot_settings.h"
#include "boot/kernel_cmdline.h"
#include "interfaces/task.h"

namespace ingot::boot {

struct KernelAndRamdisk {
    std::string kernel;   // hrefs
    std::string ramdisk;
};

// driver_info deploy_kernel/deploy_ramdisk, else the conductor's defaults.
// Throws MissingParameter naming what is missing from both.
KernelAndRamdisk deploy_images(const interfaces::Task& task, const BootSettings& settings);
// The same, each href checked against settings.image_sources (a local
// file must be allowed and there); throws naming the key it came from.
KernelAndRamdisk check_deploy_images(const interfaces::Task& task, const BootSettings& settings);

// The MAC addresses (lower case, colon-separated) of the node's ports that
// may PXE boot; boot files and DHCP entries are named after them. Throws
// InvalidParameter when there is none, or when a port's address is not a
// MAC address.
std::vector<std::string> boot_macs(const interfaces::Task& task);
// The same, but empty when no port may PXE boot.
std::vector<std::string> boot_macs_if_any(const interfaces::Task& task);

// The node's UUID, which names its boot files and directories; throws
// InvalidParameter when the record holds anything else.
std::string node_uuid_for_files(const interfaces::Task& task);

// The ramdisk's kernel command line: kernel_append_params (the node's
// driver_info value, else the conductor's), ipa-api-url, BOOTIF for `mac`
// and `extra` (key=value, or the bare key when the value is empty), each
// argument checked (kernel_cmdline.h). Throws InvalidParameter naming the
// node and the field at fault.
std::vector<KernelArg> ramdisk_kernel_args(const interfaces::Task& task, const BootSettings& settings,
                                           const std::string& mac, const std::map<std::string, std::string>& extra);

// For the API, when driver_info is set: refuses (InvalidParameter) a
// kernel_append_params that is not a string, that kernel_cmdline.h
// refuses, or that leaves no room for what Ingot and the boot loaders add.
void check_kernel_append_params(const nlohmann::json& driver_info, const BootSettings& settings);

// "netboot" when the instance boots its kernel from the network (a
// partition image with boot_option netboot), else "local".
std::string boot_option(const interfaces::Task& task);

// "52-54-00-12-34-56" for "52:54:00:12:34:56".
std::string mac_with_hyphens(const std::string& mac);

// Writes through a temporary file and a rename, so that a machine
// fetching `path` meanwhile sees the old or the new content, never half.
void write_file_atomically(const std::string& path, const std::string& text);
// Removes a file or directory tree; absent is fine.
void remove_path(const std::string& path);

}  // namespace ingot::boot
