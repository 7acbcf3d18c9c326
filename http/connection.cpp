#include "http/connection.h"

// Beast's file body reads 4 KiB per write by default; boot kernels and
// ramdisks are tens of megabytes.
#define BOOST_BEAST_FILE_BUFFER_SIZE 65536
// Beast then speaks std::string_view, as the rest of Ingot does.
#define BOOST_BEAST_USE_STD_STRING_VIEW

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <optional>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "http/request_target.h"

namespace ingot::http::detail {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Parser = bhttp::request_parser<bhttp::string_body>;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// A value a handler put in a header must not end the header early
// (response splitting).
bool safe_header_value(const std::string& value) {
    return value.find_first_of("\r\n", 0) == std::string::npos && value.find('\0') == std::string::npos;
}

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
public:
    template <class... Args>
    Connection(std::unique_ptr<ConnectionSlot> slot, Args&&... stream_args)
        : slot_(std::move(slot)), shared_(slot_->shared()), stream_(std::forward<Args>(stream_args)...) {}

    void start() {
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            lowest().expires_after(options().header_timeout);
            stream_.async_handshake(net::ssl::stream_base::server,
                                    [self = this->shared_from_this()](const error_code& ec) {
                                        if (!ec) self->wait_for_request();
                                    });
        } else {
            wait_for_request();
        }
    }

private:
    const ServerOptions& options() const { return shared_->options; }
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    // Idle: waits for a request's first byte (or uses what a pipelining
    // client already sent) before the header clock starts.
    void wait_for_request() {
        if (buffer_.size() > 0) return read_header();
        lowest().expires_after(options().idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = this->shared_from_this()](const error_code& ec, size_t n) {
                                    if (ec) return;  // closed, reset or idle too long: nothing to answer
                                    self->buffer_.commit(n);
                                    self->read_header();
                                });
    }

    void read_header() {
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(options().max_header_bytes));
        parser_->body_limit(options().max_request_bytes);
        lowest().expires_after(options().header_timeout);
        bhttp::async_read_header(stream_, buffer_, *parser_,
                                 [self = this->shared_from_this()](const error_code& ec, size_t) {
                                     self->on_header(ec);
                                 });
    }

    void on_header(const error_code& ec) {
        if (ec) return refuse_after_read_error(ec);
        const auto& header = parser_->get();
        if (static_cast<size_t>(std::distance(header.begin(), header.end())) > options().max_header_count)
            return refuse(431, "The request has more than " + std::to_string(options().max_header_count) +
                                   " header fields.");
        if (iequals(header[bhttp::field::expect], "100-continue")) return send_continue();
        read_body();
    }

    // curl and others wait for this before sending a large body.
    void send_continue() {
        auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
        lowest().expires_after(options().body_timeout);
        bhttp::async_write(stream_, *interim,
                           [self = this->shared_from_this(), interim](const error_code& ec, size_t) {
                               if (!ec) self->read_body();
                           });
    }

    void read_body() {
        lowest().expires_after(options().body_timeout);
        bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](const error_code& ec, size_t) {
            if (ec) return self->refuse_after_read_error(ec);
            self->dispatch();
        });
    }

    void refuse_after_read_error(const error_code& ec) {
        if (ec == bhttp::error::header_limit)
            return refuse(431, "The request's header fields exceed " + std::to_string(options().max_header_bytes) +
                                   " bytes.");
        if (ec == bhttp::error::body_limit)
            return refuse(413, "Request is too large: the limit is " + std::to_string(options().max_request_bytes) +
                                   " bytes.");
        // Timeouts, resets and end of stream: the client is gone or too slow
        // to be worth an answer. Anything else is a malformed request.
        if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == net::error::eof ||
            ec == net::error::connection_reset || ec == net::error::operation_aborted ||
            ec == net::ssl::error::stream_truncated)
            return;
        refuse(400, "Malformed HTTP request: " + ec.message() + ".");
    }

    // An error the server answers itself; the connection closes after it.
    void refuse(int status, const std::string& message) {
        Response r;
        r.status = status;
        r.body = shared_->error_body(status, message);
        keep_alive_ = false;
        head_ = false;
        send(std::move(r));
    }

    void dispatch() {
        auto message = parser_->release();
        keep_alive_ = message.keep_alive();
        head_ = message.method() == bhttp::verb::head;
        Request request;
        std::string problem = convert(message, request);
        if (!problem.empty()) return refuse(400, problem);
        Response response;
        try {
            response = shared_->handler(request);
        } catch (const std::exception& e) {
            log::error("http.handler_threw", {{"path", request.path}, {"error", e.what()}});
            response.status = 500;
            response.body = shared_->error_body(500, "The server could not answer this request.");
        }
        if (!response.deferred) return send(std::move(response));
        // Answered later from another thread; this one serves others.
        auto held = shared_->hold_until_answered(this->shared_from_this());
        std::weak_ptr<Connection> weak = this->shared_from_this();
        auto shared = shared_;
        response.deferred([weak, shared, held](Response late) {
            std::lock_guard lock(shared->stop_mutex);
            if (shared->stopping || !held->connection) return;  // stopped, or answered already
            if (auto self = weak.lock()) {
                net::post(self->stream_.get_executor(),
                          [self, late = std::move(late)]() mutable { self->send(std::move(late)); });
            }
            held->connection.reset();  // the posted send holds it now
        });
    }

    std::string convert(bhttp::request<bhttp::string_body>& message, Request& request) {
        request.method = std::string(message.method_string());
        std::string problem = split_target(message.target(), request);
        if (!problem.empty()) return problem;
        for (const auto& field : message) {
            std::string name = to_lower(field.name_string());
            auto [it, fresh] = request.headers.emplace(name, std::string(field.value()));
            if (fresh) continue;
            if (name == "host" || name == "content-length") return "The request repeats the " + name + " header.";
            it->second += ", " + std::string(field.value());
        }
        request.body = std::move(message.body());
        request.scheme = std::is_same_v<Stream, TlsStream> ? "https" : "http";
        request.remote_address = slot_->client();
        request.local_address = slot_->local();
        return "";
    }

    void send(Response response) {
        if (!response.file.empty()) return send_file(response);
        auto message = std::make_shared<bhttp::response<bhttp::string_body>>();
        message->result(static_cast<unsigned>(response.status));
        message->version(11);
        bool typed = add_headers(*message, response);
        // 1xx, 204 and 304 answers have no body: Beast's prepare_payload()
        // would throw out of this I/O thread (and end the process) for one.
        const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
        if (bodiless) response.body.clear();
        if (!response.body.empty() && !typed) message->set(bhttp::field::content_type, "application/json");
        message->body() = std::move(response.body);
        message->keep_alive(keep_alive_);
        message->prepare_payload();
        if (head_) message->body().clear();  // the length stays that of the GET answer
        write(message);
    }

    void send_file(const Response& response) {
        auto message = std::make_shared<bhttp::response<bhttp::file_body>>();
        error_code ec;
        message->body().open(response.file.c_str(), beast::file_mode::scan, ec);
        if (ec) {
            Response missing;
            missing.status = 404;
            return send(std::move(missing));
        }
        message->result(static_cast<unsigned>(response.status));
        message->version(11);
        if (!add_headers(*message, response)) message->set(bhttp::field::content_type, "application/octet-stream");
        message->keep_alive(keep_alive_);
        message->prepare_payload();
        if (head_) {
            auto header_only = std::make_shared<bhttp::response<bhttp::empty_body>>(message->base());
            return write(header_only);
        }
        write(message);
    }

    // Returns whether the handler set the Content-Type.
    template <class Message>
    bool add_headers(Message& message, const Response& response) {
        bool typed = false;
        for (const auto& [name, value] : response.headers) {
            if (!safe_header_value(value) || !safe_header_value(name)) {
                log::warning("http.header_dropped", {{"header", name}});
                continue;
            }
            if (iequals(name, "content-type")) typed = true;
            message.insert(name, value);
        }
        return typed;
    }

    // Written piece by piece so that the timeout is on progress, not on the
    // whole answer: a BMC pulling a 50 MB ISO over a slow link is fine, a
    // client that stops reading is not.
    template <class Message>
    void write(std::shared_ptr<Message> message) {
        using Serializer = bhttp::serializer<false, typename Message::body_type, typename Message::fields_type>;
        auto serializer = std::make_shared<Serializer>(*message);
        write_some(message, serializer);
    }

    template <class Message, class Serializer>
    void write_some(std::shared_ptr<Message> message, std::shared_ptr<Serializer> serializer) {
        lowest().expires_after(options().body_timeout);
        bhttp::async_write_some(stream_, *serializer,
                                [self = this->shared_from_this(), message, serializer](const error_code& ec, size_t) {
                                    if (ec) return;
                                    if (!serializer->is_done()) return self->write_some(message, serializer);
                                    self->after_answer();
                                });
    }

    void after_answer() {
        if (keep_alive_) return wait_for_request();
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            lowest().expires_after(std::chrono::seconds(2));
            stream_.async_shutdown([self = this->shared_from_this()](const error_code&) {});
        } else {
            error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
    }

    static bool iequals(std::string_view a, std::string_view b) {
        return a.size() == b.size() && to_lower(a) == to_lower(b);
    }

    std::unique_ptr<ConnectionSlot> slot_;
    std::shared_ptr<SharedState> shared_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<Parser> parser_;
    bool keep_alive_ = true;
    bool head_ = false;
};

}  // namespace

void start_connection(tcp::socket socket, net::ssl::context* tls, std::unique_ptr<ConnectionSlot> slot) {
    // Nagle would hold small answers back by up to 40 ms.
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls) {
        std::make_shared<Connection<TlsStream>>(std::move(slot), std::move(socket), *tls)->start();
    } else {
        std::make_shared<Connection<PlainStream>>(std::move(slot), std::move(socket))->start();
    }
}

}  // namespace ingot::http::detail
