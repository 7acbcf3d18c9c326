#include "boot/network_boot.h"

#include "boot/ca_initrd.h"
#include "boot/image_cache.h"
#include "common/log.h"
#include "interfaces/management.h"

namespace ingot::boot {
namespace {

using nlohmann::json;

bool is_whole_disk(const interfaces::Task& task) {
    const json internal = task.node().value("driver_internal_info", json::object());
    return internal.value("is_whole_disk_image", true);
}

std::string instance_href(const interfaces::Task& task, const char* key) {
    auto it = task.instance_info().find(key);
    return it != task.instance_info().end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<interfaces::PropertySpec> NetworkBoot::properties() const {
    const bool defaults = !settings_.default_deploy_kernel.empty() && !settings_.default_deploy_ramdisk.empty();
    return {
        {"deploy_kernel",
         "URL (http://, https://, file://) or path of the deployment kernel. Required unless the conductor sets "
         "[conductor] deploy_kernel.",
         !defaults},
        {"deploy_ramdisk",
         "URL (http://, https://, file://) or path of the agent ramdisk. Required unless the conductor sets "
         "[conductor] deploy_ramdisk.",
         !defaults},
        {"kernel_append_params",
         "Kernel command-line arguments for this node's ramdisk, instead of [pxe] kernel_append_params. Optional.",
         false},
    };
}

void NetworkBoot::validate(const interfaces::Task& task) const {
    deploy_images(task, settings_);
    boot_macs(task);
}

void NetworkBoot::set_boot_device(interfaces::Task& task, const std::string& device, bool persistent) {
    // A node without management (manual-management) boots as its BIOS says.
    if (auto* management = task.driver().management) management->set_boot_device(task, device, persistent);
}

void NetworkBoot::write_boot_files(interfaces::Task& task, const std::string& label, const std::string& kernel_href,
                                   const std::string& ramdisk_href, const std::string& params, bool ramdisk,
                                   const std::map<std::string, std::string>& extra) {
    const std::string uuid = task.node_uuid();
    const std::string kernel_file = label + "_kernel", ramdisk_file = label + "_ramdisk";
    const std::string dir = root() + "/" + uuid;
    if (!settings_.image_cache) throw Error("The " + label + " boot files need the conductor's image cache");
    settings_.image_cache->stage(kernel_href, dir + "/" + kernel_file);
    settings_.image_cache->stage(ramdisk_href, dir + "/" + ramdisk_file);
    std::vector<std::string> extra_initrds;
    if (ramdisk && !settings_.api_ca_file.empty()) {
        // The API's CA, read now so that a renewed CA reaches the next boot.
        const std::string ca_file = label + "_ca";
        write_file_atomically(dir + "/" + ca_file, ca_initrd_of_file(settings_.api_ca_file));
        extra_initrds.push_back(loader_path(uuid, ca_file));
    }
    const auto macs = boot_macs(task);
    for (const auto& mac : macs) {
        BootEntry entry{label, loader_path(uuid, kernel_file), loader_path(uuid, ramdisk_file),
                        ramdisk ? ramdisk_kernel_params(task, settings_, mac, extra) : params, extra_initrds};
        write_mac_config(task, mac, entry);
    }
    write_dhcp_entries(settings_, uuid, macs, dhcp_options(task));
}

void NetworkBoot::remove_boot_files(const interfaces::Task& task) {
    std::vector<std::string> macs;
    try {
        macs = boot_macs(task);
    } catch (const std::exception&) {
        // Ports deleted meanwhile: their configs go with the node directory
        // only if named by MAC, which they are not; nothing else to do.
    }
    for (const auto& mac : macs) remove_mac_config(mac);
    remove_dhcp_entries(settings_, task.node_uuid(), macs);
    remove_path(root() + "/" + task.node_uuid());
}

void NetworkBoot::prepare_ramdisk(interfaces::Task& task, const std::map<std::string, std::string>& kernel_params) {
    const auto images = deploy_images(task, settings_);
    write_boot_files(task, "deploy", images.kernel, images.ramdisk, "", /*ramdisk=*/true, kernel_params);
    set_boot_device(task, interfaces::kBootPxe, /*persistent=*/false);
    log::info("boot.ramdisk_prepared", {{"node", task.node_uuid()}, {"root", root()}});
}

void NetworkBoot::clean_up_ramdisk(interfaces::Task& task) {
    remove_boot_files(task);
}

void NetworkBoot::prepare_instance(interfaces::Task& task) {
    if (boot_option(task) == "netboot" && !is_whole_disk(task)) {
        const std::string kernel = instance_href(task, "kernel"), ramdisk = instance_href(task, "ramdisk");
        if (kernel.empty() || ramdisk.empty())
            throw interfaces::MissingParameter("Node " + task.node_uuid() +
                                               " boots its instance from the network (boot_option netboot): "
                                               "instance_info needs 'kernel' and 'ramdisk'.");
        std::string root_uuid =
            task.node().value("driver_internal_info", json::object()).value("root_uuid_or_disk_id", std::string());
        if (root_uuid.empty())
            throw interfaces::InvalidParameter("Node " + task.node_uuid() +
                                               ": the agent reported no root partition UUID to netboot from.");
        remove_boot_files(task);
        write_boot_files(task, "instance", kernel, ramdisk, "root=UUID=" + root_uuid + " ro", /*ramdisk=*/false, {});
        set_boot_device(task, interfaces::kBootPxe, /*persistent=*/true);
        log::info("boot.instance_netboot", {{"node", task.node_uuid()}});
        return;
    }
    remove_boot_files(task);
    set_boot_device(task, interfaces::kBootDisk, /*persistent=*/true);
}

void NetworkBoot::clean_up_instance(interfaces::Task& task) {
    remove_boot_files(task);
}

}  // namespace ingot::boot
