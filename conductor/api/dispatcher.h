// Everything every request goes through, in one place: the Host and
// content-type checks, authentication, microversion negotiation and
// headers, routing, the body size limit, the mapping of typed errors to
// Ironic's status codes and error bodies, and the access log.
#pragma once

#include <cstddef>
#include <memory>

#include "conductor/api/allowed_hosts.h"
#include "conductor/api/http.h"
#include "conductor/auth/authenticator.h"
#include "conductor/worker_pool.h"

namespace ingot::api {

struct DispatcherOptions {
    size_t max_body_bytes = 1 << 20;
    // Who may call; null lets everyone in as noauth's admin (unit tests).
    std::shared_ptr<conductor::auth::Authenticator> authenticator;
    AllowedHosts allowed_hosts;
    // Base of the links in answers: [api] public_endpoint when set; else
    // the request's (checked) Host; without one, this.
    std::string public_endpoint;
    std::string fallback_base_url = "http://127.0.0.1:6385";
};

class Dispatcher {
public:
    Dispatcher(Router router, size_t max_body_bytes);
    Dispatcher(Router router, DispatcherOptions options);
    // Never throws: every failure becomes an error response.
    Response handle(Request& request) const;

private:
    Response checked(Request& request) const;
    Response authenticated(Request& request) const;
    Response verify_then_route(Request& request) const;
    Response route(Request& request) const;
    Response unauthorized(const std::string& message) const;

    Router router_;
    DispatcherOptions options_;
    // Slow credential checks (bcrypt, Keystone) run here, never on the
    // HTTP threads. Declared last: its jobs finish before the rest goes.
    std::unique_ptr<conductor::WorkerPool> auth_workers_;
};

// {"error_message": "{\"faultcode\": ..., \"faultstring\": ..., \"debuginfo\": null}"}
std::string fault_body(int status, const std::string& message);

// The error response for an exception, mapped as every handler's errors are
// (for deferred answers, whose work runs off the request path).
Response error_response(const std::exception_ptr& error, const std::string& request_id);

}  // namespace ingot::api
