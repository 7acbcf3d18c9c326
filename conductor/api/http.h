// The API's request/response types are the shared HTTP ones (http/).
#pragma once

#include "conductor/api/api_version.h"
#include "http/message.h"
#include "http/router.h"

namespace ingot::api {

using http::Handler;
using http::Reply;
using http::Request;
using http::Response;
using http::Router;

}  // namespace ingot::api
