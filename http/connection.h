// Inside the HTTP server: one accepted connection, served request after
// request (keep-alive) until the client closes, a limit or timeout is hit,
// or the server stops.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>

#include "http/listener.h"

namespace ingot::http::detail {

// Takes the socket and starts reading; `tls` set means HTTPS (handshake
// first). The slot is released when the connection ends.
void start_connection(net::ip::tcp::socket socket, net::ssl::context* tls, std::unique_ptr<ConnectionSlot> slot);

}  // namespace ingot::http::detail
