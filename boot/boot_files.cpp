#include "boot/boot_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "boot/image_fetch.h"
#include "common/ids.h"
#include "common/json_input.h"
#include "common/secrets.h"
#include "common/strings.h"
#include "interfaces/base_interface.h"
#include "interfaces/boot_mode.h"

namespace ingot::boot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string string_at(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Record values shown in messages: short, control characters masked.
std::string shown(std::string text) {
    if (text.size() > 60) text = text.substr(0, 60) + "...";
    for (auto& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return "'" + text + "'";
}

constexpr const char* kNodeField = "kernel_append_params in the node's driver_info";
constexpr const char* kConfigField = "[pxe] kernel_append_params";

// What the boot loaders add to the command line besides the arguments:
// pxelinux's "BOOT_IMAGE=<uuid>/deploy_kernel initrd=<uuid>/deploy_ramdisk "
// is the longest (GRUB's BOOT_IMAGE= and iPXE's initrd=initrd are shorter).
constexpr size_t kLoaderBytes = 128;

// The node's own kernel_append_params ("" when unset); throws when it is
// set to something other than a string.
std::string node_kernel_params(const json& driver_info) {
    auto it = driver_info.find("kernel_append_params");
    if (it == driver_info.end() || it->is_null()) return "";
    if (!it->is_string())
        throw interfaces::InvalidParameter(std::string(kNodeField) + " must be a string, not " +
                                           std::string(it->type_name()));
    return it->get<std::string>();
}

}  // namespace

KernelAndRamdisk deploy_images(const interfaces::Task& task, const BootSettings& settings) {
    KernelAndRamdisk out{string_at(task.driver_info(), "deploy_kernel"), string_at(task.driver_info(), "deploy_ramdisk")};
    if (out.kernel.empty()) out.kernel = settings.default_deploy_kernel;
    if (out.ramdisk.empty()) out.ramdisk = settings.default_deploy_ramdisk;
    std::vector<std::string> missing;
    if (out.kernel.empty()) missing.push_back("'deploy_kernel'");
    if (out.ramdisk.empty()) missing.push_back("'deploy_ramdisk'");
    if (!missing.empty())
        throw interfaces::MissingParameter("Missing the following parameters in node's driver_info: [" +
                                           join(missing, ", ") +
                                           "] (and no [conductor] deploy_kernel/deploy_ramdisk default is set).");
    return out;
}

KernelAndRamdisk check_deploy_images(const interfaces::Task& task, const BootSettings& settings) {
    const auto images = deploy_images(task, settings);
    // Operator defaults are trusted but go through the same check.
    const bool own_kernel = !string_at(task.driver_info(), "deploy_kernel").empty();
    const bool own_ramdisk = !string_at(task.driver_info(), "deploy_ramdisk").empty();
    check_image_href(images.kernel, settings.image_sources,
                     own_kernel ? "driver_info/deploy_kernel" : "[conductor] deploy_kernel");
    check_image_href(images.ramdisk, settings.image_sources,
                     own_ramdisk ? "driver_info/deploy_ramdisk" : "[conductor] deploy_ramdisk");
    return images;
}

std::vector<std::string> boot_macs_if_any(const interfaces::Task& task) {
    std::vector<std::string> macs;
    for (const auto& port : task.ports()) {
        if (!port.value("pxe_enabled", true)) continue;
        const std::string address = string_at(port, "address");
        if (address.empty()) continue;
        std::string mac;
        if (!normalize_mac(address, mac))
            throw interfaces::InvalidParameter("Node " + task.node_uuid() + ": port " + string_at(port, "uuid") +
                                               " has the address " + shown(address) +
                                               ", which is not a MAC address (boot files are named after it).");
        macs.push_back(mac);
    }
    return macs;
}

std::vector<std::string> boot_macs(const interfaces::Task& task) {
    std::vector<std::string> macs = boot_macs_if_any(task);
    if (macs.empty())
        throw interfaces::InvalidParameter("Node " + task.node_uuid() +
                                           " has no port with pxe_enabled set: network boot needs the MAC address "
                                           "of the NIC the machine boots from (create a port).");
    return macs;
}

std::string node_uuid_for_files(const interfaces::Task& task) {
    const std::string uuid = task.node_uuid();
    if (!is_uuid_like(uuid))
        throw interfaces::InvalidParameter("Node " + shown(uuid) +
                                           " has no valid UUID, which its boot files would be named after.");
    return to_lower(uuid);
}

std::vector<KernelArg> ramdisk_kernel_args(const interfaces::Task& task, const BootSettings& settings,
                                           const std::string& mac, const std::map<std::string, std::string>& extra) {
    try {
        const std::string own = node_kernel_params(task.driver_info());
        auto args = own.empty() ? parse_kernel_params(settings.kernel_append_params, kConfigField)
                                : parse_kernel_params(own, kNodeField);
        auto add = [&args](KernelArg arg, const std::string& field) {
            check_kernel_arg(arg, field);
            args.push_back(std::move(arg));
        };
        add({"ipa-api-url", settings.api_url}, "[conductor] api_url");
        if (!mac.empty()) add({"BOOTIF", "01-" + mac_with_hyphens(mac)}, "the MAC address of the node's port");
        for (const auto& [key, value] : extra) {
            KernelArg extra_arg{key, value.empty() ? std::nullopt : std::optional<std::string>(value)};
            // A token's value must not reach last_error or a log.
            if (is_secret_key(key)) {
                try {
                    check_kernel_arg(extra_arg, "kernel parameter " + key);
                } catch (const interfaces::InvalidParameter&) {
                    throw interfaces::InvalidParameter("the kernel parameter " + key +
                                                       " cannot be written into a boot file (its value is secret)");
                }
            }
            add(std::move(extra_arg), "kernel parameter " + key);
        }
        return args;
    } catch (const interfaces::InvalidParameter& e) {
        throw interfaces::InvalidParameter("Node " + task.node_uuid() + ": " + e.what());
    }
}

void check_kernel_append_params(const json& driver_info, const BootSettings& settings) {
    if (!driver_info.is_object()) return;
    const std::string own = node_kernel_params(driver_info);
    if (own.empty()) return;
    parse_kernel_params(own, kNodeField);
    // What Ingot adds to every ramdisk's line: ipa-api-url=, BOOTIF=01-<mac>,
    // boot_method=vmedia, and the loaders' own words.
    const size_t added = std::string(" ipa-api-url=").size() + settings.api_url.size() +
                         std::string(" BOOTIF=01-00-00-00-00-00-00").size() +
                         std::string(" boot_method=vmedia").size() + kLoaderBytes;
    const size_t room = kMaxKernelCommandLine > added ? kMaxKernelCommandLine - added : 0;
    if (own.size() > room)
        throw interfaces::InvalidParameter(
            std::string(kNodeField) + " is " + std::to_string(own.size()) + " bytes; Linux on x86 keeps " +
            std::to_string(kMaxKernelCommandLine) + " bytes of command line and Ingot and the boot loader add up to " +
            std::to_string(added) + " (ipa-api-url=" + settings.api_url +
            ", BOOTIF=, boot_method=, initrd=, BOOT_IMAGE=): at most " + std::to_string(room) + " are left.");
}

std::string boot_option(const interfaces::Task& task) {
    // The instance's own capabilities win over the node's, as in Ironic.
    const json& caps = task.instance_info().value("capabilities", json());
    std::string option;
    if (caps.is_object()) option = string_at(caps, "boot_option");
    if (caps.is_string()) {
        try {
            json parsed = parse_json(caps.get<std::string>());
            if (parsed.is_object()) option = string_at(parsed, "boot_option");
        } catch (const JsonInputError&) {
        }
    }
    if (option.empty()) option = interfaces::capability(task, "boot_option");
    return to_lower(option) == "netboot" ? "netboot" : "local";
}

std::string mac_with_hyphens(const std::string& mac) {
    std::string out = to_lower(mac);
    for (auto& c : out)
        if (c == ':') c = '-';
    return out;
}

void write_file_atomically(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(::gettid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw Error("Cannot write " + tmp);
    }
    fs::rename(tmp, path);
}

void remove_path(const std::string& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
}

}  // namespace ingot::boot
