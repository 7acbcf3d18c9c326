#include "vbmc/redfish_service.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/strings.h"
#include "vbmc/redfish_errors.h"

namespace ingot::vbmc {

RedfishService::RedfishService(std::vector<std::unique_ptr<Machine>> machines, ServiceOptions options)
    : machines_(std::move(machines)),
      options_(std::move(options)),
      uuid_(generate_uuid()),
      sessions_(options_.session_timeout),
      tasks_(options_.task_min_duration),
      faults_(options_.max_hang),
      workers_(options_.workers, "vbmc-worker") {
    for (const auto& m : machines_) by_id_[m->info().id] = m.get();
    add_routes();
}

RedfishService::~RedfishService() {
    shutdown();
}

void RedfishService::add_routes() {
    auto add = [this](const char* method, const char* pattern,
                      http::Response (RedfishService::*fn)(const http::Request&)) {
        router_.add(method, pattern, [this, fn](const http::Request& r) { return (this->*fn)(r); });
    };
    add("GET", "/redfish", &RedfishService::get_root);
    add("GET", "/redfish/v1", &RedfishService::get_root);
    add("GET", "/redfish/v1/Systems", &RedfishService::get_systems);
    add("GET", "/redfish/v1/Systems/{id}", &RedfishService::get_system);
    add("PATCH", "/redfish/v1/Systems/{id}", &RedfishService::patch_system);
    add("POST", "/redfish/v1/Systems/{id}/Actions/ComputerSystem.Reset", &RedfishService::reset_system);
    add("GET", "/redfish/v1/Systems/{id}/EthernetInterfaces", &RedfishService::get_nics);
    add("GET", "/redfish/v1/Systems/{id}/EthernetInterfaces/{nic}", &RedfishService::get_nic);
    add("GET", "/redfish/v1/Managers", &RedfishService::get_managers);
    add("GET", "/redfish/v1/Managers/{id}", &RedfishService::get_manager);
    add("GET", "/redfish/v1/Managers/{id}/VirtualMedia", &RedfishService::get_media_collection);
    add("GET", "/redfish/v1/Managers/{id}/VirtualMedia/{slot}", &RedfishService::get_media);
    add("POST", "/redfish/v1/Managers/{id}/VirtualMedia/{slot}/Actions/VirtualMedia.InsertMedia",
        &RedfishService::insert_media);
    add("POST", "/redfish/v1/Managers/{id}/VirtualMedia/{slot}/Actions/VirtualMedia.EjectMedia",
        &RedfishService::eject_media);
    add("GET", "/redfish/v1/SessionService", &RedfishService::get_session_service);
    add("GET", "/redfish/v1/SessionService/Sessions", &RedfishService::get_sessions);
    add("POST", "/redfish/v1/SessionService/Sessions", &RedfishService::create_session);
    add("GET", "/redfish/v1/SessionService/Sessions/{sid}", &RedfishService::get_session);
    add("DELETE", "/redfish/v1/SessionService/Sessions/{sid}", &RedfishService::delete_session);
    add("GET", "/redfish/v1/TaskService", &RedfishService::get_task_service);
    add("GET", "/redfish/v1/TaskService/Tasks", &RedfishService::get_tasks);
    add("GET", "/redfish/v1/TaskService/Tasks/{task}", &RedfishService::get_task);
    add("GET", "/ingot-vbmc/systems/{id}", &RedfishService::get_raw_state);
    if (options_.fault_injection) add("PUT", "/ingot-vbmc/systems/{id}/fault", &RedfishService::put_fault);
}

http::Response RedfishService::handle(http::Request& request) {
    try {
        auto match = router_.match(request.method, request.path);
        if (!match.handler) {
            if (match.allowed.empty())
                return error_response(404, "ResourceMissingAtURI",
                                      "The resource at the URI " + request.path + " was not found.");
            auto r = error_response(405, "OperationNotAllowed",
                                    "The method " + request.method + " is not allowed on " + request.path + ".");
            r.headers.emplace_back("Allow", join(match.allowed, ", "));
            return r;
        }
        request.params = std::move(match.params);
        if (auto denied = authenticate(request)) return std::move(*denied);
        if (auto fault = injected_fault(request)) return std::move(*fault);
        return (*match.handler)(request);
    } catch (const std::exception& e) {
        auto r = error_response(e);
        if (r.status >= 500) log::error("vbmc.request_failed", {{"path", request.path}, {"error", e.what()}});
        return r;
    }
}

std::optional<http::Response> RedfishService::authenticate(const http::Request& r) {
    const auto segments = http::split_path(r.path);
    const bool root = segments.size() <= 2 && !segments.empty() && segments[0] == "redfish";
    const bool login =
        r.method == "POST" && r.path.find("/SessionService/Sessions") != std::string::npos && segments.size() == 4;
    if (root || login || !options_.credentials.enabled()) return std::nullopt;

    auto deny = [](const std::string& why) {
        auto resp = error_response(401, "NoValidSession", why);
        resp.headers.emplace_back("WWW-Authenticate", "Basic realm=\"ingot-vbmc\"");
        return resp;
    };
    if (auto token = r.header("x-auth-token")) {
        if (sessions_.by_token(*token)) return std::nullopt;
        return deny("The X-Auth-Token is not valid or its session has expired.");
    }
    if (auto header = r.header("authorization")) {
        auto basic = parse_basic_auth(*header);
        if (basic && options_.credentials.check(basic->first, basic->second)) return std::nullopt;
        return deny("The user name or password is not valid.");
    }
    return deny("Authentication is required: HTTP Basic, or an X-Auth-Token from a SessionService session.");
}

std::optional<http::Response> RedfishService::injected_fault(const http::Request& r) {
    if (!options_.fault_injection || !starts_with(r.path, "/redfish/")) return std::nullopt;
    auto id = r.params.find("id");
    if (id == r.params.end()) return std::nullopt;  // only System and Manager resources carry {id}
    const FaultMode mode = faults_.get(id->second);
    if (mode == FaultMode::None) return std::nullopt;
    log::debug("vbmc.fault_injected", {{"system", id->second}, {"mode", to_string(mode)}, {"path", r.path}});
    if (mode != FaultMode::Hang) return fault_response(mode, r.path);
    http::Response held;
    held.deferred = [this, system = id->second](http::Reply reply) { faults_.hold(system, std::move(reply)); };
    return held;
}

Machine& RedfishService::machine(const http::Request& r) const {
    auto it = by_id_.find(r.param("id"));
    if (it == by_id_.end())
        throw RedfishError(404, "ResourceMissingAtURI", "The resource at the URI " + r.path + " was not found.");
    return *it->second;
}

http::Response RedfishService::run(Machine& m, std::function<http::Response()> work) {
    auto guarded = [work = std::move(work), id = m.info().id]() -> http::Response {
        try {
            return work();
        } catch (const std::exception& e) {
            auto r = error_response(e);
            if (r.status >= 500) log::error("vbmc.action_failed", {{"system", id}, {"error", e.what()}});
            return r;
        }
    };
    if (!m.slow()) return guarded();
    http::Response later;
    later.deferred = [this, guarded = std::move(guarded)](http::Reply reply) mutable {
        workers_.submit([guarded = std::move(guarded), reply = std::move(reply)] { deliver(reply, guarded()); });
    };
    return later;
}

void RedfishService::poll_machines() {
    for (const auto& m : machines_) {
        try {
            m->poll();
        } catch (const std::exception& e) {
            log::error("vbmc.poll_failed", {{"system", m->info().id}, {"error", e.what()}});
        }
    }
}

void RedfishService::shutdown() {
    faults_.release_all();
    // Before the workers exit: QEMU dies with the thread that started it
    // (PR_SET_PDEATHSIG), and a QMP "quit" leaves its disk image clean.
    for (const auto& m : machines_) m->shutdown();
    workers_.stop();
}

}  // namespace ingot::vbmc
