// The resource handlers of RedfishService (routing, authentication and
// fault injection are in redfish_service.cpp).
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "common/strings.h"
#include "vbmc/media_download.h"
#include "vbmc/redfish_errors.h"
#include "vbmc/redfish_service.h"
#include "vbmc/request_parsing.h"
#include "vbmc/service_views.h"
#include "vbmc/system_views.h"

namespace ingot::vbmc {
namespace {

using json = nlohmann::json;

http::Response ok(const json& body) {
    return redfish_json(200, body.dump());
}

http::Response no_content() {
    return redfish_json(204, "");
}

[[noreturn]] void not_found(const http::Request& r) {
    throw RedfishError(404, "ResourceMissingAtURI", "The resource at the URI " + r.path + " was not found.");
}

MediaSlot slot_of(const http::Request& r) {
    auto slot = parse_media_slot(r.param("slot"));
    if (!slot) not_found(r);
    return *slot;
}

}  // namespace

http::Response RedfishService::get_root(const http::Request& r) {
    if (http::split_path(r.path).size() == 1) return ok({{"v1", "/redfish/v1/"}});
    return ok(service_root_view(uuid_));
}

http::Response RedfishService::get_systems(const http::Request&) {
    std::vector<std::string> ids;
    for (const auto& m : machines_) ids.push_back(m->info().id);
    return ok(system_collection_view(ids));
}

http::Response RedfishService::get_system(const http::Request& r) {
    return ok(system_view(machine(r)));
}

http::Response RedfishService::patch_system(const http::Request& r) {
    Machine& m = machine(r);
    // Validate everything before changing anything.
    BootOverride boot = apply_boot_patch(parse_body(r.body, false), m.boot());
    m.set_boot(boot);
    log::info("vbmc.boot_override", {{"system", m.info().id},
                                     {"target", to_string(boot.target)},
                                     {"enabled", to_string(boot.enabled)},
                                     {"mode", to_string(boot.mode)}});
    return no_content();
}

http::Response RedfishService::reset_system(const http::Request& r) {
    Machine& m = machine(r);
    const ResetType type = parse_reset(parse_body(r.body, false));
    if (!options_.async_tasks)
        return run(m, [&m, type] {
            m.reset(type);
            return no_content();
        });
    const int id = tasks_.create("Reset " + m.info().id + " " + to_string(type));
    workers_.submit([this, &m, type, id] {
        try {
            m.reset(type);
            tasks_.finish(id, true);
        } catch (const std::exception& e) {
            log::error("vbmc.task_failed",
                       {{"task", std::to_string(id)}, {"system", m.info().id}, {"error", e.what()}});
            tasks_.finish(id, false, e.what());
        }
    });
    const json task = task_view(*tasks_.get(id));
    auto resp = redfish_json(202, task.dump());
    resp.headers.emplace_back("Location", task["@odata.id"].get<std::string>());
    return resp;
}

http::Response RedfishService::get_nics(const http::Request& r) {
    return ok(ethernet_collection_view(machine(r)));
}

http::Response RedfishService::get_nic(const http::Request& r) {
    Machine& m = machine(r);
    const std::string& nic = r.param("nic");
    long long index = -1;
    if (!starts_with(nic, "nic") || !parse_int(nic.substr(3), index) || index < 0 ||
        static_cast<size_t>(index) >= m.info().macs.size())
        not_found(r);
    return ok(ethernet_interface_view(m, static_cast<size_t>(index)));
}

http::Response RedfishService::get_managers(const http::Request&) {
    std::vector<std::string> ids;
    for (const auto& m : machines_) ids.push_back(m->info().id);
    return ok(manager_collection_view(ids));
}

http::Response RedfishService::get_manager(const http::Request& r) {
    return ok(manager_view(machine(r)));
}

http::Response RedfishService::get_media_collection(const http::Request& r) {
    return ok(virtual_media_collection_view(machine(r)));
}

http::Response RedfishService::get_media(const http::Request& r) {
    return ok(virtual_media_view(machine(r), slot_of(r)));
}

http::Response RedfishService::insert_media(const http::Request& r) {
    Machine& m = machine(r);
    const MediaSlot slot = slot_of(r);
    const Media media = parse_insert_media(parse_body(r.body, false));
    // QEMU machines download the image first: minutes for a big ISO.
    return run(m, [&m, slot, media] {
        m.insert_media(slot, media);
        log::info("vbmc.media_inserted",
                  {{"system", m.info().id}, {"slot", to_string(slot)}, {"image", loggable_url(media.image)}});
        return no_content();
    });
}

http::Response RedfishService::eject_media(const http::Request& r) {
    Machine& m = machine(r);
    const MediaSlot slot = slot_of(r);
    parse_body(r.body, true);  // nothing to read, but garbage is still a 400
    return run(m, [&m, slot] {
        m.eject_media(slot);
        log::info("vbmc.media_ejected", {{"system", m.info().id}, {"slot", to_string(slot)}});
        return no_content();
    });
}

http::Response RedfishService::get_session_service(const http::Request&) {
    return ok(session_service_view(sessions_.idle_timeout()));
}

http::Response RedfishService::get_sessions(const http::Request&) {
    return ok(session_collection_view(sessions_.ids()));
}

http::Response RedfishService::create_session(const http::Request& r) {
    const json body = parse_body(r.body, false);
    for (const char* key : {"UserName", "Password"}) {
        if (!body.contains(key) || !body[key].is_string())
            throw RedfishError(400, "PropertyMissing",
                               std::string("The property ") + key + " is required to create a session.",
                               {std::string("#/") + key});
    }
    const std::string user = body["UserName"];
    if (options_.credentials.enabled() && !options_.credentials.check(user, body["Password"]))
        return error_response(401, "NoValidSession", "The user name or password is not valid.");
    const Session s = sessions_.create(user);
    log::info("vbmc.session_created", {{"session", s.id}, {"user", user}});
    const json view = session_view(s);
    auto resp = redfish_json(201, view.dump());
    resp.headers.emplace_back("X-Auth-Token", s.token);
    resp.headers.emplace_back("Location", view["@odata.id"].get<std::string>());
    return resp;
}

http::Response RedfishService::get_session(const http::Request& r) {
    auto s = sessions_.get(r.param("sid"));
    if (!s) not_found(r);
    return ok(session_view(*s));
}

http::Response RedfishService::delete_session(const http::Request& r) {
    if (!sessions_.remove(r.param("sid"))) not_found(r);
    log::info("vbmc.session_deleted", {{"session", r.param("sid")}});
    return no_content();
}

http::Response RedfishService::get_task_service(const http::Request&) {
    return ok(task_service_view());
}

http::Response RedfishService::get_tasks(const http::Request&) {
    return ok(task_collection_view(tasks_.ids()));
}

http::Response RedfishService::get_task(const http::Request& r) {
    long long id = 0;
    if (!parse_int(r.param("task"), id)) not_found(r);
    auto task = tasks_.get(static_cast<int>(id));
    if (!task) not_found(r);
    // The task URL is its own monitor: 202 while running (DSP0266 13.2).
    return redfish_json(task->running ? 202 : 200, task_view(*task).dump());
}

http::Response RedfishService::get_raw_state(const http::Request& r) {
    Machine& m = machine(r);
    return run(m, [this, &m] {
        json state = m.raw_state();
        state["fault"] = to_string(faults_.get(m.info().id));
        return ok(state);
    });
}

http::Response RedfishService::put_fault(const http::Request& r) {
    Machine& m = machine(r);
    const json body = parse_body(r.body, false);
    auto mode = body.contains("mode") && body["mode"].is_string() ? parse_fault_mode(body["mode"]) : std::nullopt;
    if (!mode)
        throw RedfishError(400, "PropertyValueNotInList",
                           "mode must be one of none, malformed-json, hang, error-500, unavailable-503", {"#/mode"});
    faults_.set(m.info().id, *mode);
    return ok({{"system", m.info().id}, {"mode", to_string(*mode)}});
}

}  // namespace ingot::vbmc
