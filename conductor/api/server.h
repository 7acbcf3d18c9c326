// The HTTP server: Pistache's endpoint in front of a Dispatcher. This is the
// only file that includes Pistache.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace ingot::api {

class Dispatcher;

struct ServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 6385;  // 0 picks a free port (tests)
    int threads = 2;       // Pistache reactor threads
    size_t max_request_bytes = 1 << 20;
};

class Server {
public:
    Server(const Dispatcher& dispatcher, ServerOptions options);
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

}  // namespace ingot::api
