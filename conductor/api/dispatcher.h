// Everything every request goes through, in one place: microversion
// negotiation and headers, routing, the body size limit, the mapping of
// typed errors to Ironic's status codes and error bodies, and the access log.
#pragma once

#include <cstddef>

#include "conductor/api/http.h"
#include "conductor/api/http.h"

namespace ingot::api {

class Dispatcher {
public:
    Dispatcher(Router router, size_t max_body_bytes);
    // Never throws: every failure becomes an error response.
    Response handle(Request& request) const;

private:
    Response route(Request& request) const;

    Router router_;
    size_t max_body_bytes_;
};

// {"error_message": "{\"faultcode\": ..., \"faultstring\": ..., \"debuginfo\": null}"}
std::string fault_body(int status, const std::string& message);

// The error response for an exception, mapped as every handler's errors are
// (for deferred answers, whose work runs off the request path).
Response error_response(const std::exception_ptr& error, const std::string& request_id);

}  // namespace ingot::api
