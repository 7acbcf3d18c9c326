#include "vbmc/system_views.h"

#include "vbmc/odata.h"

namespace ingot::vbmc {
namespace {

using json = nlohmann::json;

const json kEnabledOk = {{"State", "Enabled"}, {"Health", "OK"}};

}  // namespace

std::string system_path(const std::string& id) {
    return "/redfish/v1/Systems/" + id;
}

std::string manager_path(const std::string& id) {
    return "/redfish/v1/Managers/" + id;
}

std::string media_path(const std::string& id, MediaSlot slot) {
    return manager_path(id) + "/VirtualMedia/" + to_string(slot);
}

json system_collection_view(const std::vector<std::string>& ids) {
    std::vector<std::string> paths;
    for (const auto& id : ids) paths.push_back(system_path(id));
    return odata_collection("/redfish/v1/Systems", "ComputerSystemCollection", "Computer System Collection", paths);
}

json system_view(Machine& machine) {
    const auto& info = machine.info();
    const std::string path = system_path(info.id);
    const BootOverride boot = machine.boot();
    const PowerState power = machine.power_state();
    return {
        {"@odata.id", path},
        {"@odata.type", "#ComputerSystem.v1_10_0.ComputerSystem"},
        {"Id", info.id},
        {"Name", info.name},
        {"UUID", info.uuid},
        {"SystemType", "Virtual"},
        {"Manufacturer", "Ingot"},
        {"Model", machine.slow() ? "ingot-vbmc QEMU" : "ingot-vbmc memory"},
        {"PowerState", to_string(power)},
        {"Status", {{"State", power == PowerState::On ? "Enabled" : "StandbyOffline"}, {"Health", "OK"}}},
        {"Boot",
         {{"BootSourceOverrideTarget", to_string(boot.target)},
          {"BootSourceOverrideEnabled", to_string(boot.enabled)},
          {"BootSourceOverrideMode", to_string(boot.mode)},
          {"BootSourceOverrideTarget@Redfish.AllowableValues", all_boot_targets()},
          {"BootSourceOverrideMode@Redfish.AllowableValues", {"Legacy", "UEFI"}}}},
        {"ProcessorSummary", {{"Count", info.cpus}, {"Status", kEnabledOk}}},
        {"MemorySummary", {{"TotalSystemMemoryGiB", info.memory_mib / 1024.0}, {"Status", kEnabledOk}}},
        {"EthernetInterfaces", odata_link(path + "/EthernetInterfaces")},
        {"Links", {{"ManagedBy", json::array({odata_link(manager_path(info.id))})}}},
        {"Actions",
         {{"#ComputerSystem.Reset",
           {{"target", path + "/Actions/ComputerSystem.Reset"},
            {"ResetType@Redfish.AllowableValues", all_reset_types()}}}}},
    };
}

json ethernet_collection_view(const Machine& machine) {
    const std::string base = system_path(machine.info().id) + "/EthernetInterfaces";
    std::vector<std::string> paths;
    for (size_t i = 0; i < machine.info().macs.size(); ++i) paths.push_back(base + "/nic" + std::to_string(i));
    return odata_collection(base, "EthernetInterfaceCollection", "Ethernet Interface Collection", paths);
}

json ethernet_interface_view(const Machine& machine, size_t index) {
    const std::string id = "nic" + std::to_string(index);
    const std::string& mac = machine.info().macs.at(index);
    return {{"@odata.id", system_path(machine.info().id) + "/EthernetInterfaces/" + id},
            {"@odata.type", "#EthernetInterface.v1_6_0.EthernetInterface"},
            {"Id", id},
            {"Name", "Ethernet Interface " + std::to_string(index)},
            {"MACAddress", mac},
            {"PermanentMACAddress", mac},
            {"LinkStatus", "LinkUp"},
            {"Status", kEnabledOk}};
}

json manager_collection_view(const std::vector<std::string>& ids) {
    std::vector<std::string> paths;
    for (const auto& id : ids) paths.push_back(manager_path(id));
    return odata_collection("/redfish/v1/Managers", "ManagerCollection", "Manager Collection", paths);
}

json manager_view(const Machine& machine) {
    const auto& info = machine.info();
    return {{"@odata.id", manager_path(info.id)},
            {"@odata.type", "#Manager.v1_10_0.Manager"},
            {"Id", info.id},
            {"Name", "Manager for " + info.name},
            {"ManagerType", "BMC"},
            {"UUID", info.uuid},
            {"Model", "ingot-vbmc"},
            {"FirmwareVersion", "0.1.0"},
            {"Status", kEnabledOk},
            {"VirtualMedia", odata_link(manager_path(info.id) + "/VirtualMedia")},
            {"Links", {{"ManagerForServers", json::array({odata_link(system_path(info.id))})}}}};
}

json virtual_media_collection_view(const Machine& machine) {
    std::vector<std::string> paths;
    for (MediaSlot slot : kMediaSlots) paths.push_back(media_path(machine.info().id, slot));
    return odata_collection(manager_path(machine.info().id) + "/VirtualMedia", "VirtualMediaCollection",
                            "Virtual Media Services", paths);
}

json virtual_media_view(Machine& machine, MediaSlot slot) {
    const std::string path = media_path(machine.info().id, slot);
    const Media m = machine.media(slot);
    const bool cd = slot == MediaSlot::Cd;
    // No image reads null, not "": clients test "is a string" for "has media".
    json image = m.image.empty() ? json() : json(m.image);
    json image_name = m.image.empty() ? json() : json(m.image.substr(m.image.find_last_of('/') + 1));
    return {{"@odata.id", path},
            {"@odata.type", "#VirtualMedia.v1_4_0.VirtualMedia"},
            {"Id", to_string(slot)},
            {"Name", cd ? "Virtual CD" : "Virtual Removable Media"},
            {"MediaTypes", cd ? json{"CD", "DVD"} : json{"Floppy", "USBStick"}},
            {"Image", image},
            {"ImageName", image_name},
            {"Inserted", m.inserted},
            {"WriteProtected", m.write_protected},
            {"ConnectedVia", m.image.empty() ? "NotConnected" : "URI"},
            {"TransferMethod", "Stream"},
            {"VerifyCertificate", false},
            {"Actions",
             {{"#VirtualMedia.InsertMedia", {{"target", path + "/Actions/VirtualMedia.InsertMedia"}}},
              {"#VirtualMedia.EjectMedia", {{"target", path + "/Actions/VirtualMedia.EjectMedia"}}}}}};
}

}  // namespace ingot::vbmc
