// Inside the HTTP server (not for use outside http/): the state every
// connection shares, and the listener that accepts connections within the
// caps and hands them to connection.cpp.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/server.h"

namespace ingot::http::detail {

namespace net = boost::asio;

// Shared by the listener, every connection and every pending deferred
// reply; outlives the I/O context.
struct SharedState {
    SharedState(RequestHandler h, ServerOptions o) : handler(std::move(h)), options(std::move(o)) {}

    const RequestHandler handler;
    const ServerOptions options;

    // Set first thing in stop(), under `stop_mutex`: a deferred reply that
    // sees it drops its answer instead of touching a dying I/O context.
    std::mutex stop_mutex;
    bool stopping = false;
    // Connections waiting for a deferred answer have no I/O pending, so
    // only this keeps them alive. stop() lets go of them while the I/O
    // context still exists; a late answer then finds nothing to send to.
    struct Awaiting {
        std::shared_ptr<void> connection;  // guarded by stop_mutex
    };
    std::list<std::weak_ptr<Awaiting>> awaiting;  // guarded by stop_mutex

    // Holds `connection` until the answer comes or the server stops.
    std::shared_ptr<Awaiting> hold_until_answered(std::shared_ptr<void> connection);
    void release_awaiting_locked();

    // Connection counts. Released by each connection's destructor, which
    // resumes accepting when the listener paused at the cap.
    std::mutex count_mutex;
    size_t connections = 0;
    std::map<std::string, size_t> per_client;
    std::function<void()> resume_accepting;  // set by the listener

    std::string error_body(int status, const std::string& message) const;
};

// Counts one connection for as long as it lives.
class ConnectionSlot {
public:
    ConnectionSlot(std::shared_ptr<SharedState> shared, std::string client, std::string local);
    ~ConnectionSlot();
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;
    const std::string& client() const { return client_; }
    const std::string& local() const { return local_; }
    const std::shared_ptr<SharedState>& shared() const { return shared_; }

private:
    std::shared_ptr<SharedState> shared_;
    std::string client_;
    std::string local_;
};

class Listener {
public:
    explicit Listener(std::shared_ptr<SharedState> shared);
    ~Listener();
    // Loads TLS, binds and listens; throws InvalidInput naming what failed.
    void open();
    // Runs the I/O context on the calling thread until stop().
    void run();
    void stop();
    uint16_t port() const { return port_; }

private:
    void accept();
    void on_accept(const boost::system::error_code& ec, net::ip::tcp::socket socket);
    void back_off(const boost::system::error_code& ec);
    bool admit(const std::string& client);
    void load_tls();

    std::shared_ptr<SharedState> shared_;
    net::io_context io_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
    net::ip::tcp::acceptor acceptor_;
    net::steady_timer backoff_timer_;
    std::chrono::milliseconds backoff_{0};
    std::optional<net::ssl::context> tls_;
    uint16_t port_ = 0;
    bool paused_ = false;  // at the connection cap; guarded by shared_->count_mutex
    std::atomic<size_t> refused_{0};
};

}  // namespace ingot::http::detail
