// How the conductor's API listens and who it lets in, from [api] and
// [DEFAULT] auth_strategy: the HTTP server's limits and TLS, and the
// dispatcher's authentication and allowed Host names.
#pragma once

#include "conductor/api/dispatcher.h"
#include "conductor/context.h"
#include "http/server.h"

namespace ingot::conductor {

// Throws ConfigError for noauth on a non-loopback address unless
// [api] allow_insecure_noauth says so (then it warns, at every start).
void check_auth_exposure(const config::Config& config);

http::ServerOptions api_server_options(const config::Config& config);

api::DispatcherOptions dispatcher_options(const Context& ctx);

}  // namespace ingot::conductor
