// The HTTP(S) server: Pistache's endpoint in front of a request handler. This
// is the only file that includes Pistache.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/message.h"

namespace ingot::http {

// Answers every request; must not throw (a server turns throws into 500s,
// but only the handler knows the right error body).
using RequestHandler = std::function<Response(Request&)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 6385;  // 0 picks a free port (tests)
    int threads = 2;       // Pistache reactor threads
    size_t max_request_bytes = 1 << 20;
    // TLS: both PEM files set serves HTTPS only.
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string thread_name = "ingot-http";
};

class Server {
public:
    Server(RequestHandler handler, ServerOptions options);
    ~Server();
    // Binds and serves on background threads; throws on bind failure.
    void start();
    uint16_t port() const;
    // Stops accepting and closes connections.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ingot::http
