// What the fuzz targets share: a failed invariant that libFuzzer reports as a
// crash (with the input saved), a private temporary directory, and a local
// HTTP server that answers with whatever the current input says (for the
// clients that read untrusted answers: Redfish, image downloads).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/message.h"

namespace ingot::fuzz {

// Prints `what` and aborts: libFuzzer keeps the input as a crash.
[[noreturn]] void fail(const std::string& what);
inline void check(bool ok, const std::string& what) {
    if (!ok) fail(what);
}

// Quiet logging: the targets call code that logs every refusal.
void quiet_logs();

// mkdtemp under $TMPDIR (or /tmp); removed with everything in it.
class TempDir {
public:
    explicit TempDir(const std::string& prefix);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// An http::Server on 127.0.0.1 whose every answer comes from `answer`,
// which the target sets per input. Requests are recorded for checks.
class AnsweringServer {
public:
    using Answer = std::function<http::Response(const http::Request&)>;
    AnsweringServer();
    ~AnsweringServer();
    std::string base_url() const;  // http://127.0.0.1:PORT
    void set_answer(Answer answer);
    // The requests received since the last call, "METHOD path".
    std::vector<std::string> take_requests();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ingot::fuzz
