#include "tests/support/flooding_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>


namespace ingot::test {
namespace {

constexpr uint64_t kSafetyCap = uint64_t{4} << 30;

// Waits up to `ms` for `fd` to be readable; false on timeout.
bool readable(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
}

// Reads until the end of the request's headers (its body, if any, is ignored).
bool read_request_head(int fd) {
    std::string head;
    char buf[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
        if (!readable(fd, 5000)) return false;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        head.append(buf, static_cast<size_t>(n));
    }
    return true;
}

std::string opening(FloodingServer::Flood flood) {
    switch (flood) {
        case FloodingServer::Flood::chunked_body:
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        case FloodingServer::Flood::declared_length:
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1099511627776\r\n\r\n";
        case FloodingServer::Flood::headers:
            return "HTTP/1.1 200 OK\r\n";
    }
    return {};
}

// One block of the endless part; a JSON-ish string so that a client that
// accepted it all would also have to parse it.
std::string block(FloodingServer::Flood flood) {
    const std::string filler(65536, ' ');
    switch (flood) {
        case FloodingServer::Flood::chunked_body:
            return "10000\r\n" + filler + "\r\n";
        case FloodingServer::Flood::declared_length:
            return filler;
        case FloodingServer::Flood::headers: {
            std::string lines;
            for (int i = 0; i < 64; ++i) lines += "X-Filler: " + std::string(1000, 'a') + "\r\n";
            return lines;
        }
    }
    return {};
}

bool send_all(int fd, const std::string& bytes, std::atomic<uint64_t>& sent) {
    for (size_t at = 0; at < bytes.size();) {
        ssize_t n = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
        if (n <= 0) return false;  // the client hung up (or stopped reading)
        at += static_cast<size_t>(n);
        sent += static_cast<uint64_t>(n);
    }
    return true;
}

}  // namespace

FloodingServer::FloodingServer(Flood flood) : flood_(flood) {
    thread_ = std::thread([this] { serve(); });
}

FloodingServer::~FloodingServer() {
    stopping_ = true;
    thread_.join();
}

std::string FloodingServer::url() const {
    return "http://127.0.0.1:" + std::to_string(listener_.port());
}

void FloodingServer::serve() {
    while (!stopping_) {
        if (!readable(listener_.fd(), 50)) continue;
        int connection = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) continue;
        // One request per connection: the client must give up on this one.
        if (read_request_head(connection)) flood(connection);
        ::close(connection);
    }
}

void FloodingServer::flood(int connection) {
    // A client that stops reading without hanging up must not hold the
    // test (and this destructor) forever.
    timeval ten_seconds{10, 0};
    ::setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &ten_seconds, sizeof ten_seconds);
    if (!send_all(connection, opening(flood_), sent_)) return;
    const std::string more = block(flood_);
    while (!stopping_ && sent_ < kSafetyCap && send_all(connection, more, sent_)) {
    }
}

}  // namespace ingot::test
