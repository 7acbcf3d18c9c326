#include "fuzz/support/fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/log.h"
#include "http/server.h"

namespace ingot::fuzz {

void fail(const std::string& what) {
    std::fprintf(stderr, "\n==FUZZ INVARIANT== %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

void quiet_logs() {
    // Refusals are logged at every input; only the fuzzer's own report
    // matters (INGOT_FUZZ_LOGS=1 keeps them, to debug a crash).
    if (std::getenv("INGOT_FUZZ_LOGS")) return;
    log::set_level(log::Level::error);
    log::set_file("/dev/null");
}

TempDir::TempDir(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data())) fail("mkdtemp " + pattern + " failed");
    path_ = buffer.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

struct AnsweringServer::Impl {
    std::mutex mutex;
    Answer answer;
    std::vector<std::string> requests;
    std::unique_ptr<http::Server> server;
};

AnsweringServer::AnsweringServer() : impl_(std::make_unique<Impl>()) {
    http::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.thread_name = "fuzz-http";
    Impl* impl = impl_.get();
    impl_->server = std::make_unique<http::Server>(
        [impl](http::Request& request) {
            std::lock_guard lock(impl->mutex);
            impl->requests.push_back(request.method + " " + request.path);
            if (!impl->answer) return http::Response{404, "{}", {}, {}, {}};
            return impl->answer(request);
        },
        options);
    impl_->server->start();
}

AnsweringServer::~AnsweringServer() {
    impl_->server->stop();
}

std::string AnsweringServer::base_url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->server->port());
}

void AnsweringServer::set_answer(Answer answer) {
    std::lock_guard lock(impl_->mutex);
    impl_->answer = std::move(answer);
}

std::vector<std::string> AnsweringServer::take_requests() {
    std::lock_guard lock(impl_->mutex);
    return std::exchange(impl_->requests, {});
}

}  // namespace ingot::fuzz
