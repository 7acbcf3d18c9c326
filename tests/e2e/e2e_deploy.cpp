#include "tests/e2e/e2e_deploy.h"

#include <iostream>
#include <thread>

#include "tests/e2e/config_drive.h"
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"

namespace ingot::test {

using nlohmann::json;
using namespace std::chrono_literals;

E2EDeploy::E2EDeploy(HttpClient& api, ConsoleLog console, std::vector<std::string> markers)
    : api_(api), console_(console), timeline_(std::move(console), std::move(markers)) {}

std::string E2EDeploy::enroll(const json& node, const std::string& mac, std::string& uuid) {
    auto r = api_.request("POST", "/v1/nodes", node.dump());
    if (r.status != 201) return "POST /v1/nodes: " + std::to_string(r.status) + " " + r.body;
    uuid = json::parse(r.body)["uuid"];
    r = api_.request("POST", "/v1/ports", json({{"address", mac}, {"node_uuid", uuid}}).dump());
    if (r.status != 201) return "POST /v1/ports: " + std::to_string(r.status) + " " + r.body;
    for (const auto& [verb, state] : {std::pair{"manage", "manageable"}, std::pair{"provide", "available"}}) {
        const json n = provision_action(api_, uuid, verb);
        if (n["provision_state"] != state) return std::string(verb) + ": " + n.dump();
    }
    const json v = json::parse(api_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
    for (const char* iface : {"power", "management", "boot"})
        if (v[iface]["result"] != true) return std::string("validate ") + iface + ": " + v.dump();
    return "";
}

std::string E2EDeploy::start_partition_deploy(const std::string& uuid, const std::string& image_url,
                                              const InstanceImage& image, const std::string& work_dir) {
    auto add = [](const std::string& field, const json& value) {
        return json({{"op", "add"}, {"path", "/instance_info/" + field}, {"value", value}});
    };
    auto r = api_.request(
        "PATCH", "/v1/nodes/" + uuid,
        json::array({add("image_source", image_url), add("image_os_hash_algo", "sha256"),
                     add("image_os_hash_value", image.sha256), add("image_type", "partition"), add("root_gb", 1)})
            .dump());
    if (r.status != 200) return "PATCH instance_info: " + std::to_string(r.status) + " " + r.body;
    const std::string configdrive =
        make_config_drive(work_dir, {{"uuid", uuid}, {"name", get_node(api_, uuid)["name"]}});
    r = api_.request("PUT", "/v1/nodes/" + uuid + "/states/provision",
                     json({{"target", "active"}, {"configdrive", configdrive}}).dump());
    if (r.status != 202) return "PUT provision active: " + std::to_string(r.status) + " " + r.body;
    timeline_.note("PUT provision active");
    return "";
}

std::string E2EDeploy::deploy_to_active(const std::string& uuid, const std::string& image_url,
                                        const InstanceImage& image, const std::string& work_dir,
                                        std::chrono::seconds limit) {
    if (std::string error = start_partition_deploy(uuid, image_url, image, work_dir); !error.empty()) return error;
    const json n = wait_node(
        uuid,
        [](const json& node) {
            const auto state = node["provision_state"];
            return (state == "active" || state == "deploy failed") && node["reservation"].is_null();
        },
        limit);
    timeline_.note("deploy over: " + n["provision_state"].dump());
    std::cout << report(uuid);
    if (n["provision_state"] != "active") return "the deploy did not end active: " + n.dump(2);
    if (!n["last_error"].is_null()) return "active with last_error: " + n.dump(2);
    if (n["power_state"] != "power on") return "active but not powered on: " + n.dump(2);
    return "";
}

json E2EDeploy::wait_node(const std::string& uuid, const std::function<bool(const json&)>& done,
                          std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    json n;
    do {
        n = get_node(api_, uuid);
        timeline_.poll(n);
        if (done(n)) return n;
        std::this_thread::sleep_for(500ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return n;
}

std::string E2EDeploy::wait_console(const std::regex& pattern, std::size_t from, std::chrono::seconds limit,
                                    const std::string& uuid) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    do {
        timeline_.poll(get_node(api_, uuid));
        std::smatch m;
        const std::string text = console_.text(from);
        if (std::regex_search(text, m, pattern)) return m.str(0);
        std::this_thread::sleep_for(500ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return "";
}

std::string E2EDeploy::report(const std::string& uuid) {
    auto h = api_.request("GET", "/v1/nodes/" + uuid + "/history");
    return timeline_.report(h.status == 200 ? json::parse(h.body).value("history", json::array()) : json::array());
}

}  // namespace ingot::test
