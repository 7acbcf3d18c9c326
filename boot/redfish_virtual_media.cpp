#include "boot/redfish_virtual_media.h"

#include <filesystem>

#include "boot/boot_files.h"
#include "boot/boot_iso.h"
#include "boot/ca_initrd.h"
#include "boot/image_cache.h"
#include "boot/image_fetch.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/strings.h"
#include "interfaces/management.h"
#include "interfaces/virtual_media.h"

namespace ingot::boot {
namespace {

namespace fs = std::filesystem;
using interfaces::Task;
using interfaces::VirtualMediaCapable;
using nlohmann::json;

std::string string_at(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string management_name(const Task& task) {
    const std::string name = string_at(task.node(), "management_interface");
    return name.empty() ? "(none)" : name;
}

// The node's management interface as a virtual media attacher; null when
// it is absent or cannot attach media.
VirtualMediaCapable* media_of(const Task& task) {
    return dynamic_cast<VirtualMediaCapable*>(task.driver().management);
}

VirtualMediaCapable& require_media(const Task& task) {
    if (!task.driver().management)
        throw interfaces::InvalidParameter("Node " + task.node_uuid() +
                                           " has no management interface: redfish-virtual-media attaches its boot "
                                           "ISO through the BMC (use management_interface redfish).");
    auto* media = media_of(task);
    if (!media)
        throw interfaces::InvalidParameter("Node " + task.node_uuid() + ": management interface " +
                                           management_name(task) +
                                           " cannot attach virtual media, which redfish-virtual-media needs "
                                           "(use management_interface redfish).");
    return *media;
}

// The command line put into the ISO, checked (InvalidParameter naming the
// node and the field) before anything is fetched or built.
std::string iso_kernel_params(const Task& task, const BootSettings& settings,
                              const std::map<std::string, std::string>& kernel_params) {
    // BOOTIF names the NIC the agent uses, when the node has a port.
    const auto macs = boot_macs_if_any(task);
    // As Ironic: the agent learns it was booted from virtual media.
    auto extra = kernel_params;
    extra.emplace("boot_method", "vmedia");
    const std::string params =
        kernel_command_line(ramdisk_kernel_args(task, settings, macs.empty() ? "" : macs.front(), extra));
    try {
        boot_iso_grub_config(params);
    } catch (const interfaces::InvalidParameter& e) {
        throw interfaces::InvalidParameter("Node " + task.node_uuid() +
                                           ": cannot write its boot ISO's GRUB "
                                           "configuration: " +
                                           e.what());
    }
    return params;
}

}  // namespace

RedfishVirtualMediaBoot::RedfishVirtualMediaBoot(BootSettings settings, BootIsoOptions iso_options)
    : settings_(std::move(settings)), builder_(settings_.image_cache, std::move(iso_options)) {}

std::vector<interfaces::PropertySpec> RedfishVirtualMediaBoot::properties() const {
    const bool defaults = !settings_.default_deploy_kernel.empty() && !settings_.default_deploy_ramdisk.empty();
    return {
        {"deploy_kernel",
         "URL (http://, https://, file://) or path of the deployment kernel put in the boot ISO. Required unless "
         "the conductor sets [conductor] deploy_kernel or redfish_deploy_iso is set.",
         !defaults},
        {"deploy_ramdisk",
         "URL (http://, https://, file://) or path of the agent ramdisk put in the boot ISO. Required unless the "
         "conductor sets [conductor] deploy_ramdisk or redfish_deploy_iso is set.",
         !defaults},
        {"kernel_append_params",
         "Kernel command-line arguments for this node's ramdisk, instead of [pxe] kernel_append_params. Optional.",
         false},
        {"redfish_deploy_iso",
         "URL (http://, https://, file://) or path of a bootable agent ISO to attach instead of building one from "
         "deploy_kernel and deploy_ramdisk; it must carry its own kernel command line (ipa-api-url=...). "
         "Optional.",
         false},
    };
}

void RedfishVirtualMediaBoot::validate(const Task& task) const {
    // A local image that is missing or not allowed fails validation, not
    // a deploy later.
    if (const std::string iso = string_at(task.driver_info(), "redfish_deploy_iso"); !iso.empty()) {
        check_image_href(iso, settings_.image_sources, "driver_info/redfish_deploy_iso");
    } else {
        check_deploy_images(task, settings_);
        // With a token of the real one's length: the line must have room for it.
        iso_kernel_params(task, settings_, {{"ipa-agent-token", generate_token(32)}});
    }
    // Only a task with its driver composed can say what its management
    // interface is (the API's node validation builds the task without it).
    const auto& d = task.driver();
    if (d.boot || d.power || d.management) require_media(task);
}

std::string RedfishVirtualMediaBoot::node_iso_path(const std::string& iso_name) const {
    return settings_.http_root + "/redfish/" + iso_name;
}

std::string RedfishVirtualMediaBoot::node_iso_url(const std::string& iso_name) const {
    return settings_.http_url + "/redfish/" + iso_name;
}

std::string RedfishVirtualMediaBoot::stage_iso(Task& task, const std::map<std::string, std::string>& kernel_params) {
    const std::string uuid = node_uuid_for_files(task);
    if (!settings_.image_cache) throw Error("Virtual media boot needs the conductor's image cache");
    if (const std::string prebuilt = string_at(task.driver_info(), "redfish_deploy_iso"); !prebuilt.empty()) {
        // It carries its own command line: no token in it, nothing secret.
        const std::string name = uuid + ".iso";
        settings_.image_cache->stage(prebuilt, node_iso_path(name));
        log::info("boot.iso_staged", {{"node", uuid}, {"source", "redfish_deploy_iso"}});
        return name;
    }
    const auto images = deploy_images(task, settings_);
    // As Ironic: the agent gets its token on the command line
    // (ipa-agent-token), so that no lookup ever hands it out: whoever looks
    // the node up gets the mask.
    const std::string token = generate_token(32);
    auto extra = kernel_params;
    extra["ipa-agent-token"] = token;
    const std::string params = iso_kernel_params(task, settings_, extra);
    const std::string ca = settings_.api_ca_file.empty() ? "" : ca_initrd_of_file(settings_.api_ca_file);
    // The token makes the ISO a secret: built for this node alone, never
    // cached, mode 0600, at a name nobody can guess.
    const std::string name = uuid + "-" + generate_token(32) + ".iso";
    try {
        builder_.build_private(images.kernel, images.ramdisk, params, ca, node_iso_path(name), uuid);
    } catch (const ImageFetchError& e) {
        throw ImageFetchError("Cannot build the agent ISO of node " + uuid + ": " + e.what());
    }
    json& internal = task.driver_internal_info();
    if (!internal.is_object()) internal = json::object();
    internal["agent_secret_token"] = token;
    internal["agent_secret_token_pregenerated"] = true;
    log::info("boot.iso_staged", {{"node", uuid}, {"source", "built"}, {"agent_token", "pregenerated"}});
    settings_.image_cache->evict();
    return name;
}

void RedfishVirtualMediaBoot::remove_media(Task& task) {
    if (auto* media = media_of(task)) {
        try {
            media->eject_virtual_media(task, interfaces::kVirtualMediaCd);
        } catch (const std::exception& e) {
            // The ISO file goes anyway: a machine that boots it again finds
            // nothing to fetch (depending on the BMC) rather than a stale agent.
            log::error("boot.virtual_media_eject_failed", {{"node", task.node_uuid()}, {"error", e.what()}});
        }
    }
    remove_node_isos(task.node_uuid());
}

void RedfishVirtualMediaBoot::remove_node_isos(const std::string& uuid) {
    // Only a UUID names files: a record holding "../x" removes nothing.
    if (!is_uuid_like(uuid)) return;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(settings_.http_root + "/redfish", ec)) {
        const std::string file = entry.path().filename().string();
        if (file == uuid + ".iso" || (starts_with(file, uuid + "-") && ends_with(file, ".iso")))
            remove_path(entry.path().string());
    }
}

void RedfishVirtualMediaBoot::prepare_ramdisk(Task& task, const std::map<std::string, std::string>& kernel_params) {
    VirtualMediaCapable& media = require_media(task);
    const std::string uuid = task.node_uuid();
    // A CD left from before (another ISO, an operator's) must not be what
    // the machine boots; the BMC refuses to insert into a full drive anyway.
    media.eject_virtual_media(task, interfaces::kVirtualMediaCd);
    // An ISO of an earlier boot (another token) must not stay fetchable.
    remove_node_isos(uuid);
    try {
        const std::string name = stage_iso(task, kernel_params);
        media.insert_virtual_media(task, interfaces::kVirtualMediaCd, node_iso_url(name));
        task.driver().management->set_boot_device(task, interfaces::kBootCdrom, /*persistent=*/false);
    } catch (...) {
        // Half-prepared is worse than not prepared: the node would boot an
        // ISO nobody cleans up.
        remove_media(task);
        throw;
    }
    // Not the URL: its name is what keeps the token from being fetched.
    log::info("boot.ramdisk_prepared", {{"node", uuid}, {"virtual_media", "cd"}});
}

void RedfishVirtualMediaBoot::clean_up_ramdisk(Task& task) {
    remove_media(task);
}

void RedfishVirtualMediaBoot::prepare_instance(Task& task) {
    remove_media(task);
    if (auto* management = task.driver().management)
        management->set_boot_device(task, interfaces::kBootDisk, /*persistent=*/true);
}

void RedfishVirtualMediaBoot::clean_up_instance(Task& task) {
    remove_media(task);
}

}  // namespace ingot::boot
