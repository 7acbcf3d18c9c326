// A streaming HTTP(S) download over libcurl that survives flaky links: each
// chunk is handed to a sink as it arrives; a dropped or stalled connection
// is retried, resuming with `Range: bytes=N-`; a server that ignores Range
// (200 instead of 206) makes the sink start over from byte zero.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/http_client.h"

namespace ingot::agent::image {

struct DownloadOptions {
    TlsVerification tls;
    // Attempts in a row that bring no byte beyond the furthest point reached
    // so far; an attempt that makes progress resets the count.
    int max_attempts = 5;
    std::chrono::milliseconds retry_delay{1000};  // doubled after each failure, at most 30 s
    std::chrono::seconds connect_timeout{30};
    // A transfer slower than this many bytes/s for low_speed_time is stalled:
    // it is cut and retried.
    long low_speed_limit = 1024;
    std::chrono::seconds low_speed_time{60};
};

// Receives the file's bytes in order. Exceptions thrown here abort the
// download at once (no retry) and reach download()'s caller unchanged.
class DownloadSink {
public:
    virtual ~DownloadSink() = default;
    // Before the first byte from offset 0; `total_size` when the server said.
    virtual void on_start(std::optional<uint64_t> total_size) = 0;
    virtual void on_data(const char* data, size_t size) = 0;
    // Everything received so far is void: the server answered a resume with
    // the whole file. on_start() follows.
    virtual void on_restart() = 0;
};

struct DownloadStats {
    uint64_t size = 0;         // bytes of the file delivered to the sink
    uint64_t transferred = 0;  // all body bytes received, including discarded restarts
    int attempts = 0;
    int resumes = 0;   // Range requests answered with 206
    int restarts = 0;  // Range requests answered with 200
};

// Throws DownloadError when the server refuses (HTTP 4xx other than 408 and
// 429), TLS fails, or max_attempts is exhausted.
DownloadStats download(const std::string& url, DownloadSink& sink, const DownloadOptions& options = {});

// The URL without its query string and credentials, for logs and error
// messages (Swift temporary URLs carry their signature in the query).
std::string redact_url(const std::string& url);

}  // namespace ingot::agent::image
