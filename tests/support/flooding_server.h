// Test support: a hostile HTTP server on 127.0.0.1. It reads each request's
// headers and answers with a status line followed by an answer that never
// ends: an endless chunked body, a body under a huge Content-Length, or
// endless header lines. It keeps sending until the client hangs up (or a
// safety cap of 4 GiB, so a client with no limit ends the test instead of
// the machine), and counts what it sent.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "tests/support/listening_socket.h"

namespace ingot::test {

class FloodingServer {
public:
    enum class Flood { chunked_body, declared_length, headers };

    explicit FloodingServer(Flood flood);
    ~FloodingServer();
    FloodingServer(const FloodingServer&) = delete;
    FloodingServer& operator=(const FloodingServer&) = delete;

    std::string url() const;
    // Bytes sent on every connection so far.
    uint64_t bytes_sent() const { return sent_; }

private:
    void serve();
    void flood(int connection);

    Flood flood_;
    ListeningSocket listener_;
    std::atomic<bool> stopping_{false};
    std::atomic<uint64_t> sent_{0};
    std::thread thread_;
};

}  // namespace ingot::test
