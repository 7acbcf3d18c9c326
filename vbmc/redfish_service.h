// The Redfish service of ingot-vbmc: routes a request to its handler after
// authentication (HTTP Basic or X-Auth-Token; the ServiceRoot and session
// creation are public) and fault injection, and answers slow machine work
// (QEMU) from worker threads through deferred responses.
//
// Resources: /redfish/v1 (ServiceRoot), Systems[/{id}[/EthernetInterfaces
// [/{nic}]]], Systems/{id}/Actions/ComputerSystem.Reset, Managers[/{id}
// [/VirtualMedia[/{Cd|Floppy}[/Actions/VirtualMedia.{Insert,Eject}Media]]]],
// SessionService[/Sessions[/{sid}]], TaskService[/Tasks[/{n}]]; and, not
// Redfish, GET /ingot-vbmc/systems/{id} (raw state) and, with fault
// injection, PUT /ingot-vbmc/systems/{id}/fault.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "http/router.h"
#include "vbmc/auth.h"
#include "vbmc/fault_injector.h"
#include "vbmc/machine.h"
#include "vbmc/session_store.h"
#include "vbmc/task_store.h"
#include "vbmc/work_queue.h"

namespace ingot::vbmc {

struct ServiceOptions {
    Credentials credentials;  // none: no authentication
    bool fault_injection = false;
    // Reset answers 202 + a task instead of 204.
    bool async_tasks = false;
    std::chrono::milliseconds task_min_duration{500};
    std::chrono::seconds session_timeout{1800};
    std::chrono::milliseconds max_hang{std::chrono::minutes(5)};
    int workers = 4;
};

class RedfishService {
public:
    RedfishService(std::vector<std::unique_ptr<Machine>> machines, ServiceOptions options);
    ~RedfishService();
    RedfishService(const RedfishService&) = delete;
    RedfishService& operator=(const RedfishService&) = delete;

    // The http::Server handler; never throws.
    http::Response handle(http::Request& request);
    // Lets machines notice guests that powered off (call every ~0.5 s).
    void poll_machines();
    // Before the HTTP server stops: answers held (hanging) requests, stops
    // QEMU machines and finishes queued work, so that no reply outlives the
    // server.
    void shutdown();

    const std::vector<std::unique_ptr<Machine>>& machines() const { return machines_; }

private:
    void add_routes();
    std::optional<http::Response> authenticate(const http::Request& r);
    std::optional<http::Response> injected_fault(const http::Request& r);
    Machine& machine(const http::Request& r) const;  // by the {id} parameter; 404 if unknown
    // Runs `work` at once for fast machines, else on a worker and answers
    // through a deferred response.
    http::Response run(Machine& m, std::function<http::Response()> work);

    // Handlers (redfish_handlers.cpp).
    http::Response get_root(const http::Request& r);
    http::Response get_systems(const http::Request& r);
    http::Response get_system(const http::Request& r);
    http::Response patch_system(const http::Request& r);
    http::Response reset_system(const http::Request& r);
    http::Response get_nics(const http::Request& r);
    http::Response get_nic(const http::Request& r);
    http::Response get_managers(const http::Request& r);
    http::Response get_manager(const http::Request& r);
    http::Response get_media_collection(const http::Request& r);
    http::Response get_media(const http::Request& r);
    http::Response insert_media(const http::Request& r);
    http::Response eject_media(const http::Request& r);
    http::Response get_session_service(const http::Request& r);
    http::Response get_sessions(const http::Request& r);
    http::Response create_session(const http::Request& r);
    http::Response get_session(const http::Request& r);
    http::Response delete_session(const http::Request& r);
    http::Response get_task_service(const http::Request& r);
    http::Response get_tasks(const http::Request& r);
    http::Response get_task(const http::Request& r);
    http::Response get_raw_state(const http::Request& r);
    http::Response put_fault(const http::Request& r);

    std::vector<std::unique_ptr<Machine>> machines_;
    std::map<std::string, Machine*> by_id_;
    ServiceOptions options_;
    std::string uuid_;
    http::Router router_;
    SessionStore sessions_;
    TaskStore tasks_;
    FaultInjector faults_;
    // Last member: destroyed (drained) first, while everything it uses lives.
    WorkQueue workers_;
};

}  // namespace ingot::vbmc
