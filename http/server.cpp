#include "http/server.h"

#include <pthread.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "common/log.h"
#include "http/listener.h"

namespace ingot::http {

struct Server::Impl {
    Impl(RequestHandler handler, ServerOptions options)
        : shared(std::make_shared<detail::SharedState>(std::move(handler), std::move(options))) {}

    std::shared_ptr<detail::SharedState> shared;
    std::unique_ptr<detail::Listener> listener;
    std::vector<std::thread> threads;
};

Server::Server(RequestHandler handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {}

Server::~Server() {
    stop();
}

void Server::start() {
    impl_->listener = std::make_unique<detail::Listener>(impl_->shared);
    impl_->listener->open();
    const auto& options = impl_->shared->options;
    for (int i = 0; i < std::max(1, options.threads); ++i) {
        impl_->threads.emplace_back([this, name = options.thread_name] {
            pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
            impl_->listener->run();
        });
    }
    log::info("http.listening", {{"host", options.host},
                                 {"port", std::to_string(port())},
                                 {"tls", options.tls_cert_file.empty() ? "false" : "true"}});
}

uint16_t Server::port() const {
    return impl_->listener ? impl_->listener->port() : 0;
}

void Server::stop() {
    if (!impl_ || !impl_->listener) return;
    impl_->listener->stop();
    for (auto& t : impl_->threads) t.join();
    impl_->threads.clear();
    // Destroys the connections still open with the I/O context.
    impl_->listener.reset();
}

}  // namespace ingot::http
