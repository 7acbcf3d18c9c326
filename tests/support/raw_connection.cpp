#include "tests/support/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ingot::test {
namespace {

using Clock = std::chrono::steady_clock;

sockaddr_in loopback(const std::string& address, int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    return a;
}

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

}  // namespace

RawConnection::RawConnection(int port, const std::string& source) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (!source.empty()) {
        sockaddr_in from = loopback(source, 0);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0)
            throw std::runtime_error("bind " + source + ": " + std::strerror(errno));
    }
    sockaddr_in to = loopback("127.0.0.1", port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error(std::string("connect: ") + std::strerror(err));
    }
}

RawConnection::~RawConnection() {
    close();
}

RawConnection::RawConnection(RawConnection&& other) noexcept : fd_(other.fd_), pending_(std::move(other.pending_)) {
    other.fd_ = -1;
}

void RawConnection::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

bool RawConnection::send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<size_t>(n);
    }
    return true;
}

std::optional<std::string> RawConnection::read_response(std::chrono::milliseconds timeout, bool answers_head) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        auto end = pending_.find("\r\n\r\n");
        if (end != std::string::npos) {
            size_t length = 0;
            auto cl = pending_.find("Content-Length: ");
            if (cl == std::string::npos) cl = pending_.find("content-length: ");
            if (cl != std::string::npos && cl < end && !answers_head) length = std::stoul(pending_.substr(cl + 16));
            if (pending_.size() >= end + 4 + length) {
                std::string response = pending_.substr(0, end + 4 + length);
                pending_.erase(0, end + 4 + length);
                return response;
            }
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return std::nullopt;
        char buf[65536];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return std::nullopt;
        pending_.append(buf, static_cast<size_t>(n));
    }
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return false;
        char buf[4096];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return true;
    }
}

int status_of(const std::string& response) {
    if (response.compare(0, 5, "HTTP/") != 0) return 0;
    auto space = response.find(' ');
    return space == std::string::npos ? 0 : std::atoi(response.c_str() + space + 1);
}

}  // namespace ingot::test
