// Redfish JSON for the service itself: the ServiceRoot, sessions and tasks.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "vbmc/session_store.h"
#include "vbmc/task_store.h"

namespace ingot::vbmc {

inline constexpr const char* kSessionsPath = "/redfish/v1/SessionService/Sessions";
inline constexpr const char* kTasksPath = "/redfish/v1/TaskService/Tasks";

nlohmann::json service_root_view(const std::string& uuid);
nlohmann::json session_service_view(std::chrono::seconds timeout);
nlohmann::json session_collection_view(const std::vector<std::string>& ids);
nlohmann::json session_view(const Session& session);
nlohmann::json task_service_view();
nlohmann::json task_collection_view(const std::vector<int>& ids);
nlohmann::json task_view(const TaskInfo& task);

}  // namespace ingot::vbmc
