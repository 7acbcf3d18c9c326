// The HTTP(S) server: Boost.Beast in front of a request handler. This is the
// only file that includes Beast and Asio. It is the first thing an attacker
// on the provisioning network reaches, so it bounds everything a client
// controls before a handler runs: connections in all and per client
// address, header bytes and count, body bytes, and how long a client may
// take to send a request or sit idle; an `accept` that runs out of file
// descriptors backs off instead of spinning.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"

namespace ingot::http {

// Answers every request; must not throw (a server turns throws into 500s,
// but only the handler knows the right error body).
using RequestHandler = std::function<Response(Request&)>;

// The body of an error the server answers itself (413, 431, 400, 408, 503),
// so that clients see the same error shape as the handler's. Gets the
// status and a sentence; returns the JSON text.
using ErrorBody = std::function<std::string(int status, const std::string& message)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 6385;  // 0 picks a free port (tests)
    int threads = 2;       // I/O threads; handlers run on them, so only short work
    size_t max_request_bytes = 1 << 20;  // the body; larger gets 413
    size_t max_header_bytes = 64 << 10;  // request line and headers; larger gets 431
    size_t max_header_count = 100;       // more gets 431
    size_t max_connections = 1000;       // past it, new connections wait in the backlog
    size_t max_connections_per_client = 100;  // past it, a client's new connections are closed
    // From connecting (or the last answer) to the first byte of a request.
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
    // From the first byte to the end of the headers, and the TLS handshake.
    std::chrono::milliseconds header_timeout = std::chrono::seconds(20);
    // Receiving the body, and sending an answer.
    std::chrono::milliseconds body_timeout = std::chrono::seconds(60);
    // TLS: both PEM files set serves HTTPS only (TLS 1.2 or later).
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string thread_name = "ingot-http";
    ErrorBody error_body;  // empty: {"error": "<message>"}
};

class Server {
public:
    Server(RequestHandler handler, ServerOptions options);
    ~Server();
    // Binds and serves on background threads; throws InvalidInput on a bad
    // address, port in use or unusable TLS files.
    void start();
    uint16_t port() const;
    // Stops accepting and closes connections; answers still being worked
    // on are dropped.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ingot::http
