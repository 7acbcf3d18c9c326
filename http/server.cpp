#include "http/server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"

namespace ingot::http {
namespace {

using namespace Pistache;

std::string decode_query_component(const std::string& raw) {
    // Form encoding: '+' is a space (python-requests sends spaces this way).
    std::string plus = raw;
    std::replace(plus.begin(), plus.end(), '+', ' ');
    std::string out;
    if (!percent_decode(plus, out)) throw InvalidInput("Invalid percent-encoding in query string: " + raw);
    return out;
}

// Pistache 0.0.5 writes only typed headers to the wire (raw ones are
// dropped), so every header we send goes through this one typed class.
class NamedHeader : public Http::Header::Header {
public:
    NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
    const char* name() const override { return name_.c_str(); }
    void parse(const std::string& data) override { value_ = data; }
    void write(std::ostream& os) const override { os << value_; }
#ifdef SAFE_HEADER_CAST
    uint64_t hash() const override {
        return std::hash<std::string>()(name_);
    }
#endif

private:
    std::string name_;
    std::string value_;
};

class PistacheHandler : public Http::Handler {
public:
    HTTP_PROTOTYPE(PistacheHandler)

    PistacheHandler(const RequestHandler* handler, std::string scheme, std::string local_address)
        : handler_(handler), scheme_(std::move(scheme)), local_address_(std::move(local_address)) {}

    void onRequest(const Http::Request& req, Http::ResponseWriter writer) override {
        Request r;
        r.method = Http::methodString(req.method());
        r.path = req.resource();
        r.body = req.body();
        for (const auto& [name, header] : req.headers().rawList()) r.headers[to_lower(name)] = header.value();
        for (const auto& header : req.headers().list()) {
            std::ostringstream value;
            header->write(value);
            r.headers[to_lower(header->name())] = value.str();
        }
        std::string host = r.header("host").value_or(local_address_);
        r.base_url = scheme_ + "://" + host;
        try {
            const auto& query = req.query();
            for (auto it = query.parameters_begin(); it != query.parameters_end(); ++it)
                r.query.emplace_back(decode_query_component(it->first), decode_query_component(it->second));
        } catch (const Error& e) {
            r.query_error = e.what();
        }
        Response resp = (*handler_)(r);
        if (resp.deferred) {
            // Answered later from a worker thread; this thread moves on.
            auto shared = std::make_shared<Http::ResponseWriter>(std::move(writer));
            resp.deferred([shared](Response final) {
                // The client may be gone by now; that must not take the
                // answering thread down.
                try {
                    send(*shared, final);
                } catch (const std::exception& e) {
                    log::warning("http.late_reply_failed", {{"error", e.what()}});
                }
            });
            return;
        }
        send(writer, resp);
    }

    static void send(Http::ResponseWriter& writer, const Response& resp) {
        for (const auto& [name, value] : resp.headers) writer.headers().add(std::make_shared<NamedHeader>(name, value));
        auto code = static_cast<Http::Code>(resp.status);
        if (!resp.file.empty()) {
            Http::serveFile(writer, resp.file, Http::Mime::MediaType(Http::Mime::Type::Application,
                                                                     Http::Mime::Subtype::OctetStream));
            return;
        }
        if (resp.body.empty()) {
            writer.send(code);
        } else {
            writer.send(code, resp.body, MIME(Application, Json));
        }
    }

private:
    const RequestHandler* handler_;
    std::string scheme_;
    std::string local_address_;
};

}  // namespace

struct Server::Impl {
    RequestHandler handler;
    ServerOptions options;
    std::unique_ptr<Http::Endpoint> endpoint;
};

Server::Server(RequestHandler handler, ServerOptions options)
    : impl_(new Impl{std::move(handler), std::move(options), nullptr}) {}

Server::~Server() {
    stop();
}

void Server::start() {
    Address addr(impl_->options.host, Port(impl_->options.port));
    impl_->endpoint = std::make_unique<Http::Endpoint>(addr);
    auto opts = Http::Endpoint::options()
                    .threads(impl_->options.threads)
                    .threadsName(impl_->options.thread_name)
                    .flags(Tcp::Options::ReuseAddr | Tcp::Options::NoDelay)
                    .backlog(1024)
                    // Headers plus body; the dispatcher enforces the body
                    // limit itself so that clients get Ironic's error body.
                    .maxRequestSize(impl_->options.max_request_bytes * 2 + 65536)
                    .maxResponseSize(64 << 20);
    impl_->endpoint->init(opts);
    const bool tls = !impl_->options.tls_cert_file.empty();
    if (tls) {
        if (impl_->options.tls_key_file.empty()) throw InvalidInput("a TLS certificate needs its key file too");
        // Pistache throws a bare runtime_error naming neither file.
        try {
            impl_->endpoint->useSSL(impl_->options.tls_cert_file, impl_->options.tls_key_file);
        } catch (const std::exception& e) {
            throw InvalidInput("cannot use TLS certificate " + impl_->options.tls_cert_file + " with key " +
                               impl_->options.tls_key_file + ": " + e.what());
        }
    }
    auto handler = std::make_shared<PistacheHandler>(&impl_->handler, tls ? "https" : "http",
                                                     impl_->options.host + ":" + std::to_string(impl_->options.port));
    impl_->endpoint->setHandler(handler);
    impl_->endpoint->serveThreaded();
    log::info("http.listening",
              {{"host", impl_->options.host}, {"port", std::to_string(port())}, {"tls", tls ? "true" : "false"}});
}

uint16_t Server::port() const {
    return impl_->endpoint ? static_cast<uint16_t>(impl_->endpoint->getPort()) : 0;
}

void Server::stop() {
    if (impl_ && impl_->endpoint) {
        impl_->endpoint->shutdown();
        impl_->endpoint.reset();
    }
}

}  // namespace ingot::http
