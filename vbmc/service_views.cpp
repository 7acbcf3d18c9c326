#include "vbmc/service_views.h"

#include "vbmc/odata.h"

namespace ingot::vbmc {
using json = nlohmann::json;

namespace {

// Appending, not std::string(literal) + ...: GCC 12 warns (-Warray-bounds)
// on the latter in inlined code.
std::string child_path(const char* base, const std::string& id) {
    std::string path = base;
    path += '/';
    path += id;
    return path;
}

}  // namespace

json service_root_view(const std::string& uuid) {
    return {{"@odata.id", "/redfish/v1"},
            {"@odata.type", "#ServiceRoot.v1_5_0.ServiceRoot"},
            {"Id", "RootService"},
            {"Name", "Ingot virtual BMC"},
            {"RedfishVersion", "1.8.0"},
            {"UUID", uuid},
            {"Product", "ingot-vbmc"},
            {"Vendor", "Ingot"},
            {"Systems", odata_link("/redfish/v1/Systems")},
            {"Managers", odata_link("/redfish/v1/Managers")},
            {"SessionService", odata_link("/redfish/v1/SessionService")},
            {"TaskService", odata_link("/redfish/v1/TaskService")},
            {"Links", {{"Sessions", odata_link(kSessionsPath)}}}};
}

json session_service_view(std::chrono::seconds timeout) {
    return {{"@odata.id", "/redfish/v1/SessionService"},
            {"@odata.type", "#SessionService.v1_1_8.SessionService"},
            {"Id", "SessionService"},
            {"Name", "Session Service"},
            {"ServiceEnabled", true},
            {"SessionTimeout", timeout.count()},
            {"Sessions", odata_link(kSessionsPath)}};
}

json session_collection_view(const std::vector<std::string>& ids) {
    std::vector<std::string> paths;
    for (const auto& id : ids) paths.push_back(child_path(kSessionsPath, id));
    return odata_collection(kSessionsPath, "SessionCollection", "Session Collection", paths);
}

json session_view(const Session& session) {
    return {{"@odata.id", child_path(kSessionsPath, session.id)},
            {"@odata.type", "#Session.v1_3_0.Session"},
            {"Id", session.id},
            {"Name", "User Session"},
            {"UserName", session.user}};
}

json task_service_view() {
    return {{"@odata.id", "/redfish/v1/TaskService"},
            {"@odata.type", "#TaskService.v1_1_5.TaskService"},
            {"Id", "TaskService"},
            {"Name", "Task Service"},
            {"ServiceEnabled", true},
            {"Tasks", odata_link(kTasksPath)}};
}

json task_collection_view(const std::vector<int>& ids) {
    std::vector<std::string> paths;
    for (int id : ids) paths.push_back(child_path(kTasksPath, std::to_string(id)));
    return odata_collection(kTasksPath, "TaskCollection", "Task Collection", paths);
}

json task_view(const TaskInfo& task) {
    const std::string path = child_path(kTasksPath, std::to_string(task.id));
    json view = {{"@odata.id", path},
                 {"@odata.type", "#Task.v1_4_3.Task"},
                 {"Id", std::to_string(task.id)},
                 {"Name", task.name},
                 {"TaskMonitor", path},
                 {"TaskState", task.running ? "Running" : (task.ok ? "Completed" : "Exception")},
                 {"TaskStatus", task.running || task.ok ? "OK" : "Critical"},
                 {"PercentComplete", task.running ? 50 : 100},
                 {"StartTime", task.start_time},
                 {"Messages", json::array()}};
    if (!task.running) view["EndTime"] = task.end_time;
    if (!task.message.empty())
        view["Messages"].push_back(
            {{"MessageId", "Base.1.0.GeneralError"}, {"Message", task.message}, {"Severity", "Critical"}});
    return view;
}

}  // namespace ingot::vbmc
