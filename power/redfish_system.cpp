#include "power/redfish_system.h"

#include <algorithm>

#include "common/strings.h"

namespace ingot::power {
namespace {

using interfaces::BmcError;
using nlohmann::json;

std::string odata_id(const json& link) {
    if (link.is_object() && link.contains("@odata.id") && link["@odata.id"].is_string())
        return link["@odata.id"].get<std::string>();
    return "";
}

std::vector<std::string> member_ids(const json& collection) {
    std::vector<std::string> ids;
    if (auto m = collection.find("Members"); m != collection.end() && m->is_array())
        for (const auto& link : *m)
            if (auto id = odata_id(link); !id.empty()) ids.push_back(id);
    return ids;
}

// Ironic's choice of ResetType for each action, best first. Reboot is done
// as off + on by the power interface (as Ironic does), not here.
const std::vector<std::string>& reset_choices(const std::string& action) {
    static const std::map<std::string, std::vector<std::string>> choices = {
        {"power on", {"On", "ForceOn", "PushPowerButton"}}, {"power off", {"ForceOff", "PushPowerButton"}},
        {"soft power off", {"GracefulShutdown"}},           {"soft rebooting", {"GracefulRestart"}},
        {"rebooting", {"ForceRestart", "PowerCycle"}},
    };
    static const std::vector<std::string> none;
    auto it = choices.find(action);
    return it == choices.end() ? none : it->second;
}

bool has_image(const json& drive) {
    const json& image = drive.value("Image", json());
    return drive.value("Inserted", false) || (image.is_string() && !image.get<std::string>().empty());
}

bool media_type_matches(const json& types, const std::string& kind) {
    if (!types.is_array()) return false;
    for (const auto& t : types) {
        if (!t.is_string()) continue;
        const std::string type = t.get<std::string>();
        if (kind == "cd" && (type == "CD" || type == "DVD")) return true;
        if (kind == "floppy" && (type == "Floppy" || type == "USBStick")) return true;
    }
    return false;
}

}  // namespace

std::optional<std::string> redfish_boot_target(const std::string& device) {
    static const std::map<std::string, std::string> map = {
        {"pxe", "Pxe"}, {"disk", "Hdd"}, {"cdrom", "Cd"}, {"bios", "BiosSetup"}};
    auto it = map.find(device);
    if (it == map.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> ironic_boot_device(const std::string& target) {
    static const std::map<std::string, std::string> map = {
        {"Pxe", "pxe"}, {"Hdd", "disk"}, {"Cd", "cdrom"}, {"BiosSetup", "bios"}};
    auto it = map.find(target);
    if (it == map.end()) return std::nullopt;
    return it->second;
}

RedfishSystem::RedfishSystem(RedfishClient& client) : client_(client) {}

const std::string& RedfishSystem::path() {
    if (!path_.empty()) return path_;
    const auto& c = client_.connection();
    if (!c.system_id.empty()) {
        path_ = c.system_id;
        return path_;
    }
    json root = client_.get(c.root_prefix);
    std::string systems = odata_id(root.value("Systems", json()));
    if (systems.empty()) throw BmcError("Redfish BMC " + c.address + " lists no Systems in its service root");
    auto ids = member_ids(client_.get(systems));
    if (ids.size() != 1) {
        throw BmcError("Redfish BMC " + c.address + " manages " + std::to_string(ids.size()) +
                       " systems; set driver_info/redfish_system_id to one of: " +
                       (ids.empty() ? std::string("(none)") : join(ids, ", ")));
    }
    path_ = ids.front();
    return path_;
}

const json& RedfishSystem::resource() {
    if (!resource_) refresh();
    return *resource_;
}

void RedfishSystem::refresh() {
    resource_ = client_.get(path());
}

std::string RedfishSystem::power_state() {
    refresh();
    const std::string state = resource_->value("PowerState", std::string());
    if (state == "On" || state == "PoweringOn") return interfaces::kPowerOn;
    if (state == "Off" || state == "PoweringOff") return interfaces::kPowerOff;
    throw BmcError("Redfish BMC " + client_.connection().address + " reports PowerState \"" + state + "\" for " +
                   path() + ", which is neither On nor Off");
}

std::vector<std::string> RedfishSystem::allowed_reset_types() {
    const json& actions = resource().value("Actions", json::object());
    auto reset = actions.find("#ComputerSystem.Reset");
    if (reset == actions.end() || !reset->is_object()) return {};
    std::vector<std::string> allowed;
    if (auto values = reset->find("ResetType@Redfish.AllowableValues"); values != reset->end() && values->is_array())
        for (const auto& v : *values)
            if (v.is_string()) allowed.push_back(v.get<std::string>());
    return allowed;
}

std::string RedfishSystem::reset(const std::string& action) {
    const auto& choices = reset_choices(action);
    if (choices.empty()) throw InvalidInput("Redfish cannot perform power action \"" + action + "\"");
    const json& actions = resource().value("Actions", json::object());
    auto reset = actions.find("#ComputerSystem.Reset");
    std::string target = path() + "/Actions/ComputerSystem.Reset";
    if (reset != actions.end() && reset->is_object() && reset->contains("target") && (*reset)["target"].is_string())
        target = (*reset)["target"].get<std::string>();
    auto allowed = allowed_reset_types();
    // No list means the BMC does not say: use the preferred type.
    std::string type = choices.front();
    if (!allowed.empty()) {
        auto it = std::find_first_of(choices.begin(), choices.end(), allowed.begin(), allowed.end());
        if (it == choices.end()) {
            throw BmcError("Redfish system " + path() + " allows ResetType " + join(allowed, ", ") +
                           ", none of which does \"" + action + "\" (wanted one of " + join(choices, ", ") + ")");
        }
        type = *it;
    }
    client_.post_action(target, {{"ResetType", type}});
    resource_.reset();
    return type;
}

void RedfishSystem::set_boot_device(const std::string& device, bool persistent, const std::string& mode) {
    auto target = redfish_boot_target(device);
    if (!target) throw InvalidInput("Redfish cannot boot from \"" + device + "\"");
    json boot = {{"BootSourceOverrideTarget", *target},
                 {"BootSourceOverrideEnabled", persistent ? "Continuous" : "Once"}};
    // Only BMCs that show a mode accept one.
    if (!mode.empty() && resource().value("Boot", json::object()).contains("BootSourceOverrideMode"))
        boot["BootSourceOverrideMode"] = mode == "uefi" ? "UEFI" : "Legacy";
    client_.patch(path(), {{"Boot", boot}});
    resource_.reset();
}

interfaces::BootDevice RedfishSystem::boot_device() {
    refresh();
    const json& boot = resource_->value("Boot", json::object());
    interfaces::BootDevice out;
    const std::string enabled = boot.value("BootSourceOverrideEnabled", std::string());
    if (enabled == "Disabled") return out;
    if (auto device = ironic_boot_device(boot.value("BootSourceOverrideTarget", std::string()))) out.device = *device;
    out.persistent = enabled == "Continuous";
    return out;
}

std::vector<std::string> RedfishSystem::media_drives() {
    // Newer BMCs put VirtualMedia under the system, older ones under its managers.
    std::vector<std::string> collections;
    if (auto own = odata_id(resource().value("VirtualMedia", json())); !own.empty()) collections.push_back(own);
    const json& links = resource().value("Links", json::object());
    if (auto managers = links.find("ManagedBy"); managers != links.end() && managers->is_array()) {
        for (const auto& m : *managers) {
            auto id = odata_id(m);
            if (id.empty()) continue;
            if (auto media = odata_id(client_.get(id).value("VirtualMedia", json())); !media.empty())
                collections.push_back(media);
        }
    }
    std::vector<std::string> drives;
    for (const auto& c : collections)
        for (auto& id : member_ids(client_.get(c))) drives.push_back(std::move(id));
    return drives;
}

std::string RedfishSystem::media_path(const std::string& kind) {
    for (const auto& drive : media_drives())
        if (media_type_matches(client_.get(drive).value("MediaTypes", json()), kind)) return drive;
    throw BmcError("Redfish system " + path() + " has no virtual media drive for " + kind +
                   (kind == "cd" ? " (MediaTypes CD or DVD)" : " (MediaTypes Floppy or USBStick)"));
}

json RedfishSystem::media(const std::string& kind) {
    return client_.get(media_path(kind));
}

void RedfishSystem::insert_media(const std::string& kind, const std::string& image_url) {
    const std::string drive = media_path(kind);
    json current = client_.get(drive);
    if (has_image(current)) {
        if (current.value("Image", json()) == image_url && current.value("Inserted", false)) return;
        eject_media(kind);
    }
    const json& actions = current.value("Actions", json::object());
    if (auto insert = actions.find("#VirtualMedia.InsertMedia"); insert != actions.end() && insert->is_object()) {
        std::string target = insert->value("target", drive + "/Actions/VirtualMedia.InsertMedia");
        client_.post_action(target, {{"Image", image_url}, {"Inserted", true}, {"WriteProtected", true}});
    } else {
        client_.patch(drive, {{"Image", image_url}, {"Inserted", true}, {"WriteProtected", true}});
    }
}

void RedfishSystem::eject_media(const std::string& kind) {
    const std::string drive = media_path(kind);
    json current = client_.get(drive);
    if (!has_image(current)) return;
    const json& actions = current.value("Actions", json::object());
    if (auto eject = actions.find("#VirtualMedia.EjectMedia"); eject != actions.end() && eject->is_object()) {
        client_.post_action(eject->value("target", drive + "/Actions/VirtualMedia.EjectMedia"), json::object());
    } else {
        client_.patch(drive, {{"Image", nullptr}, {"Inserted", false}});
    }
}

}  // namespace ingot::power
