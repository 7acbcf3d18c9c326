// Redfish JSON for what a machine exposes: its ComputerSystem, its network
// interfaces, the Manager (one per system, same id) and its VirtualMedia.
// Shapes follow the DMTF schemas as read by python3-sushy 4.3 and
// sushy-tools; paths are built here and nowhere else.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "vbmc/machine.h"

namespace ingot::vbmc {

std::string system_path(const std::string& id);
std::string manager_path(const std::string& id);
std::string media_path(const std::string& id, MediaSlot slot);

nlohmann::json system_collection_view(const std::vector<std::string>& ids);
nlohmann::json system_view(Machine& machine);
nlohmann::json ethernet_collection_view(const Machine& machine);
// `index` into info().macs; the interface id is "nic<index>".
nlohmann::json ethernet_interface_view(const Machine& machine, size_t index);

nlohmann::json manager_collection_view(const std::vector<std::string>& ids);
nlohmann::json manager_view(const Machine& machine);
nlohmann::json virtual_media_collection_view(const Machine& machine);
nlohmann::json virtual_media_view(Machine& machine, MediaSlot slot);

}  // namespace ingot::vbmc
