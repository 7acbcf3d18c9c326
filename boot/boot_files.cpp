#include "boot/boot_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "boot/image_fetch.h"
#include "common/json_input.h"
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

std::vector<std::string> boot_macs(const interfaces::Task& task) {
    std::vector<std::string> macs;
    for (const auto& port : task.ports()) {
        if (!port.value("pxe_enabled", true)) continue;
        std::string mac = to_lower(string_at(port, "address"));
        if (!mac.empty()) macs.push_back(mac);
    }
    if (macs.empty())
        throw interfaces::InvalidParameter("Node " + task.node_uuid() +
                                           " has no port with pxe_enabled set: network boot needs the MAC address "
                                           "of the NIC the machine boots from (create a port).");
    return macs;
}

std::string ramdisk_kernel_params(const interfaces::Task& task, const BootSettings& settings, const std::string& mac,
                                  const std::map<std::string, std::string>& extra) {
    std::string params = settings.kernel_append_params;
    if (auto own = string_at(task.driver_info(), "kernel_append_params"); !own.empty()) params = own;
    auto add = [&params](const std::string& word) {
        if (!params.empty()) params += ' ';
        params += word;
    };
    add("ipa-api-url=" + settings.api_url);
    if (!mac.empty()) add("BOOTIF=01-" + mac_with_hyphens(mac));
    for (const auto& [key, value] : extra) add(value.empty() ? key : key + "=" + value);
    return params;
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
