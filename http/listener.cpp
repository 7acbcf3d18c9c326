#include "http/listener.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/log.h"
#include "http/connection.h"

namespace ingot::http::detail {

using tcp = net::ip::tcp;
using boost::system::error_code;

std::string SharedState::error_body(int status, const std::string& message) const {
    if (options.error_body) return options.error_body(status, message);
    return nlohmann::json{{"error", message}}.dump();
}

std::shared_ptr<SharedState::Awaiting> SharedState::hold_until_answered(std::shared_ptr<void> connection) {
    auto held = std::make_shared<Awaiting>();
    held->connection = std::move(connection);
    std::lock_guard lock(stop_mutex);
    awaiting.remove_if([](const std::weak_ptr<Awaiting>& w) { return w.expired(); });
    awaiting.push_back(held);
    return held;
}

void SharedState::release_awaiting_locked() {
    for (auto& weak : awaiting)
        if (auto held = weak.lock()) held->connection.reset();
    awaiting.clear();
}

ConnectionSlot::ConnectionSlot(std::shared_ptr<SharedState> shared, std::string client, std::string local)
    : shared_(std::move(shared)), client_(std::move(client)), local_(std::move(local)) {}

ConnectionSlot::~ConnectionSlot() {
    std::function<void()> resume;
    {
        std::lock_guard lock(shared_->count_mutex);
        --shared_->connections;
        auto it = shared_->per_client.find(client_);
        if (it != shared_->per_client.end() && --it->second == 0) shared_->per_client.erase(it);
        resume = shared_->resume_accepting;
    }
    if (resume) resume();
}

namespace {

// An address to listen on: an IP literal, or a name resolved once.
tcp::endpoint listen_endpoint(net::io_context& io, const std::string& host, uint16_t port) {
    error_code ec;
    auto address = net::ip::make_address(host, ec);
    if (!ec) return {address, port};
    tcp::resolver resolver(io);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) throw InvalidInput("cannot listen on " + host + ": " + ec.message());
    return results.begin()->endpoint();
}

// IPv4 peers of a dual-stack socket show as ::ffff:a.b.c.d; policies and
// logs want a.b.c.d.
std::string address_text(const tcp::endpoint& endpoint) {
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
    return address.to_string();
}

bool out_of_descriptors(const error_code& ec) {
    return ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
           ec == net::error::no_buffer_space || ec == net::error::no_memory;
}

}  // namespace

Listener::Listener(std::shared_ptr<SharedState> shared)
    : shared_(std::move(shared)), acceptor_(net::make_strand(io_)), backoff_timer_(acceptor_.get_executor()) {}

Listener::~Listener() {
    std::lock_guard lock(shared_->count_mutex);
    shared_->resume_accepting = nullptr;
}

void Listener::load_tls() {
    const auto& o = shared_->options;
    if (o.tls_cert_file.empty()) return;
    if (o.tls_key_file.empty()) throw InvalidInput("a TLS certificate needs its key file too");
    tls_.emplace(net::ssl::context::tls_server);
    tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                      net::ssl::context::single_dh_use);
    error_code ec;
    tls_->use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) throw InvalidInput("cannot use TLS certificate " + o.tls_cert_file + ": " + ec.message());
    tls_->use_private_key_file(o.tls_key_file, net::ssl::context::pem, ec);
    if (ec) throw InvalidInput("cannot use TLS key " + o.tls_key_file + ": " + ec.message());
}

void Listener::open() {
    const auto& o = shared_->options;
    load_tls();
    const tcp::endpoint endpoint = listen_endpoint(io_, o.host, o.port);
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(1024, ec);
    if (ec)
        throw InvalidInput("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    work_.emplace(io_.get_executor());
    {
        std::lock_guard lock(shared_->count_mutex);
        shared_->resume_accepting = [this] {
            // Called with the count released; only resumes a paused loop.
            std::lock_guard inner(shared_->count_mutex);
            if (!paused_ || shared_->connections >= shared_->options.max_connections) return;
            paused_ = false;
            net::post(acceptor_.get_executor(), [this] { accept(); });
        };
    }
    net::post(acceptor_.get_executor(), [this] { accept(); });
}

void Listener::run() {
    io_.run();
}

void Listener::stop() {
    {
        std::lock_guard lock(shared_->stop_mutex);
        shared_->stopping = true;
        shared_->release_awaiting_locked();
    }
    {
        std::lock_guard lock(shared_->count_mutex);
        shared_->resume_accepting = nullptr;
    }
    work_.reset();
    io_.stop();
}

void Listener::accept() {
    acceptor_.async_accept(net::make_strand(io_), [this](const error_code& ec, tcp::socket socket) {
        on_accept(ec, std::move(socket));
    });
}

void Listener::back_off(const error_code& ec) {
    // Out of file descriptors: the pending connection stays in the backlog
    // and accept() would fail again at once. Wait, doubling up to a second,
    // so that answering the connections already open can free some.
    backoff_ = std::min<std::chrono::milliseconds>(std::chrono::seconds(1),
                                                    backoff_.count() ? backoff_ * 2 : std::chrono::milliseconds(20));
    if (backoff_ == std::chrono::milliseconds(20))
        log::warning("http.accept_backoff", {{"error", ec.message()}, {"port", std::to_string(port_)}});
    backoff_timer_.expires_after(backoff_);
    backoff_timer_.async_wait([this](const error_code& wait_ec) {
        if (!wait_ec) accept();
    });
}

bool Listener::admit(const std::string& client) {
    std::lock_guard lock(shared_->count_mutex);
    auto& mine = shared_->per_client[client];
    if (mine >= shared_->options.max_connections_per_client) return false;
    ++mine;
    ++shared_->connections;
    return true;
}

void Listener::on_accept(const error_code& ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
        if (out_of_descriptors(ec)) return back_off(ec);
        return accept();  // the client went away before we took it
    }
    backoff_ = std::chrono::milliseconds(0);
    error_code peer_ec, local_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    const auto local = socket.local_endpoint(local_ec);
    if (peer_ec || local_ec) return accept();  // already gone
    const std::string client = address_text(peer);
    if (!admit(client)) {
        // Logged once per hundred, so a flood does not flood the log.
        if (refused_++ % 100 == 0)
            log::warning("http.client_connection_cap",
                         {{"client", client},
                          {"limit", std::to_string(shared_->options.max_connections_per_client)}});
        error_code ignored;
        socket.close(ignored);
    } else {
        auto slot = std::make_unique<ConnectionSlot>(shared_, client, address_text(local));
        start_connection(std::move(socket), tls_ ? &*tls_ : nullptr, std::move(slot));
    }
    std::lock_guard lock(shared_->count_mutex);
    if (shared_->connections >= shared_->options.max_connections) {
        paused_ = true;  // the next connection to end resumes accepting
        return;
    }
    net::post(acceptor_.get_executor(), [this] { accept(); });
}

}  // namespace ingot::http::detail
