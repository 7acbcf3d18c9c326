#include "boot/network_boot.h"

#include "boot/ca_initrd.h"
#include "boot/image_cache.h"
#include "common/ids.h"
#include "common/log.h"
#include "interfaces/management.h"

namespace ingot::boot {
namespace {

using nlohmann::json;

bool is_whole_disk(const interfaces::Task& task) {
    const json internal = task.node().value("driver_internal_info", json::object());
    return internal.value("is_whole_disk_image", true);
}

// The root partition's UUID the agent reported (blkid's UUID or PARTUUID:
// hex digits and '-'), for root=UUID=.
std::string root_partition_uuid(const interfaces::Task& task) {
    const json internal = task.node().value("driver_internal_info", json::object());
    const json value = internal.is_object() ? internal.value("root_uuid_or_disk_id", json()) : json();
    const std::string uuid = value.is_string() ? value.get<std::string>() : "";
    if (uuid.empty())
        throw interfaces::InvalidParameter("Node " + task.node_uuid() +
                                           ": the agent reported no root partition UUID to netboot from.");
    const bool shaped = uuid.size() <= 64 && uuid.find_first_not_of("0123456789abcdefABCDEF-") == std::string::npos;
    if (!shaped)
        throw interfaces::InvalidParameter("Node " + task.node_uuid() +
                                           ": driver_internal_info root_uuid_or_disk_id is not a partition UUID "
                                           "(hex digits and '-'), so it cannot go into root=UUID=.");
    return uuid;
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
    check_deploy_images(task, settings_);
    // An instance booted from the network has its kernel and ramdisk
    // fetched by the conductor too.
    for (const char* key : {"kernel", "ramdisk"})
        if (const std::string href = instance_href(task, key); !href.empty())
            check_image_href(href, settings_.image_sources, std::string("instance_info/") + key);
    // The files a deploy would write, rendered and thrown away: a
    // parameter they cannot carry fails here, naming the field.
    render_configs(task, "deploy", {}, {});
}

void NetworkBoot::set_boot_device(interfaces::Task& task, const std::string& device, bool persistent) {
    // A node without management (manual-management) boots as its BIOS says.
    if (auto* management = task.driver().management) management->set_boot_device(task, device, persistent);
}

std::vector<std::pair<std::string, std::string>> NetworkBoot::render_configs(
    const interfaces::Task& task, const std::string& label, const std::vector<KernelArg>& args,
    const std::map<std::string, std::string>& extra) const {
    const std::string uuid = node_uuid_for_files(task);
    std::vector<std::pair<std::string, std::string>> configs;
    for (const auto& mac : boot_macs(task)) {
        BootEntry entry{label, loader_path(uuid, label + "_kernel"), loader_path(uuid, label + "_ramdisk"),
                        args.empty() ? ramdisk_kernel_args(task, settings_, mac, extra) : args, "node " + uuid};
        // The agent's ramdisk (no args given) also loads the API's CA.
        if (args.empty() && !settings_.api_ca_file.empty()) entry.extra_initrds = {loader_path(uuid, label + "_ca")};
        try {
            configs.emplace_back(mac, mac_config(task, entry));
        } catch (const interfaces::InvalidParameter& e) {
            throw interfaces::InvalidParameter("Node " + uuid + ": cannot write its " + label +
                                               " boot configuration: " + e.what());
        }
    }
    return configs;
}

void NetworkBoot::write_boot_files(interfaces::Task& task, const std::string& label, const std::string& kernel_href,
                                   const std::string& ramdisk_href, const std::vector<KernelArg>& args,
                                   const std::map<std::string, std::string>& extra) {
    const auto configs = render_configs(task, label, args, extra);
    const DhcpBootOptions dhcp = dhcp_options(task);
    check_dhcp_boot_options(settings_, dhcp);
    const std::string uuid = node_uuid_for_files(task);
    const std::string dir = root() + "/" + uuid;
    if (!settings_.image_cache) throw Error("The " + label + " boot files need the conductor's image cache");
    settings_.image_cache->stage(kernel_href, dir + "/" + label + "_kernel");
    settings_.image_cache->stage(ramdisk_href, dir + "/" + label + "_ramdisk");
    if (args.empty() && !settings_.api_ca_file.empty()) {
        // The API's CA, read now so that a renewed CA reaches the next boot.
        write_file_atomically(dir + "/" + label + "_ca", ca_initrd_of_file(settings_.api_ca_file));
    }
    std::vector<std::string> macs;
    for (const auto& [mac, text] : configs) {
        write_mac_config(task, mac, text);
        macs.push_back(mac);
    }
    write_dhcp_entries(settings_, uuid, macs, dhcp);
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
    // Only a UUID names a directory to remove: a record holding "../x"
    // must not remove anything outside the root.
    if (!is_uuid_like(task.node_uuid())) return;
    remove_dhcp_entries(settings_, task.node_uuid(), macs);
    remove_path(root() + "/" + task.node_uuid());
}

void NetworkBoot::prepare_ramdisk(interfaces::Task& task, const std::map<std::string, std::string>& kernel_params) {
    // Both sources checked before either is staged (the cache checks each
    // again as it reads it).
    const auto images = check_deploy_images(task, settings_);
    write_boot_files(task, "deploy", images.kernel, images.ramdisk, {}, kernel_params);
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
        const std::vector<KernelArg> args = {{"root", "UUID=" + root_partition_uuid(task)}, {"ro", std::nullopt}};
        remove_boot_files(task);
        write_boot_files(task, "instance", kernel, ramdisk, args, {});
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
