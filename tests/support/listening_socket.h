// Test support: a TCP socket listening on 127.0.0.1 at a free port. Nobody
// accepts unless the owner does: the kernel's backlog takes connections (an
// agent that never answers). It is opened without SOCK_CLOEXEC, as
// Boost.Asio opens its sockets, so it is also what a child could inherit.
#pragma once

namespace ingot::test {

class ListeningSocket {
public:
    ListeningSocket();  // throws std::runtime_error when it cannot listen
    ~ListeningSocket();
    ListeningSocket(const ListeningSocket&) = delete;
    ListeningSocket& operator=(const ListeningSocket&) = delete;

    int fd() const { return fd_; }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace ingot::test
