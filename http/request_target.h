// The request target ("/v1/nodes?limit=2&fields=uuid") split into the path
// (kept as received; the router decodes its parameters) and the decoded
// query parameters, in arrival order.
#pragma once

#include <string>
#include <string_view>

#include "http/message.h"

namespace ingot::http {

// Fills request.path and request.query. A query that cannot be decoded
// sets request.query_error (the handler answers it in its own error shape);
// a target that is not a path at all returns the problem to answer with 400.
std::string split_target(std::string_view target, Request& request);

}  // namespace ingot::http
