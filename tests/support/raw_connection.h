// Test support: a plain TCP connection that sends exactly the bytes a test
// gives it (malformed requests, trickled headers, floods) and reads what
// comes back, with timeouts. For attacks a real HTTP client would refuse
// to send.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace ingot::test {

class RawConnection {
public:
    // Connects to 127.0.0.1:`port`, from `source` (another loopback address
    // such as 127.0.0.2 acts as a second client) when given. Throws
    // std::runtime_error when the connection cannot be made.
    explicit RawConnection(int port, const std::string& source = "");
    ~RawConnection();
    RawConnection(RawConnection&& other) noexcept;
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // False when the peer has closed (EPIPE/ECONNRESET).
    bool send(const std::string& bytes);
    // One HTTP response (headers, and a body of its Content-Length unless
    // it answers a HEAD), or nothing when the peer closed or `timeout`
    // passed first.
    std::optional<std::string> read_response(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                             bool answers_head = false);
    // Whether the peer closes the connection (EOF or reset) within `timeout`.
    bool closed_within(std::chrono::milliseconds timeout);
    void close();

private:
    int fd_ = -1;
    std::string pending_;
};

// The status code of a raw response ("HTTP/1.1 431 ..." -> 431), 0 if none.
int status_of(const std::string& response);

}  // namespace ingot::test
