#include "ramdisk-agent/image/download.h"

#include <curl/curl.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/log.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"

namespace ingot::agent::image {

std::string redact_url(const std::string& url) {
    std::string u = url.substr(0, url.find_first_of("?#"));
    auto scheme = u.find("://");
    if (scheme != std::string::npos) {
        auto at = u.find('@', scheme + 3);
        auto slash = u.find('/', scheme + 3);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) u.erase(scheme + 3, at - scheme - 2);
    }
    return u;
}

namespace {

// State shared by the libcurl callbacks of one download, across attempts.
struct Transfer {
    DownloadSink* sink = nullptr;
    CURL* curl = nullptr;
    std::string url;      // redacted
    uint64_t offset = 0;  // bytes delivered to the sink
    std::optional<uint64_t> total;
    bool started = false;
    DownloadStats stats;

    // Per response (reset at each status line: redirects, 100-continue).
    std::optional<uint64_t> range_first;
    std::optional<uint64_t> range_total;
    bool decided = false;
    std::exception_ptr error;

    // Called once the response headers are in, before its body.
    void decide() {
        decided = true;
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        curl_off_t length = -1;
        curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        if (status == 206) {
            if (!range_first || *range_first != offset)
                throw DownloadError("GET " + url + " asked for bytes " + std::to_string(offset) +
                                    "- and got a 206 for another range");
            if (range_total) total = range_total;
            ++stats.resumes;
        } else {
            if (offset > 0) {
                log::warning("agent.image.range_ignored",
                             {{"url", url}, {"status", std::to_string(status)}, {"discarded", std::to_string(offset)}});
                sink->on_restart();
                offset = 0;
                started = false;
                ++stats.restarts;
            }
            if (length >= 0) total = static_cast<uint64_t>(length);
        }
        if (!started) {
            started = true;
            sink->on_start(total);
        }
    }

    static size_t on_header(char* data, size_t size, size_t count, void* self) {
        auto* t = static_cast<Transfer*>(self);
        std::string line(data, size * count);
        if (starts_with(line, "HTTP/")) {
            t->range_first.reset();
            t->range_total.reset();
        } else if (starts_with(to_lower(line), "content-range:")) {
            // "Content-Range: bytes FIRST-LAST/TOTAL" (TOTAL may be "*").
            std::string v = trim(line.substr(14));
            auto sp = v.find(' '), dash = v.find('-'), slash = v.find('/');
            long long first = 0, whole = 0;
            if (sp != std::string::npos && dash != std::string::npos &&
                parse_int(v.substr(sp + 1, dash - sp - 1), first))
                t->range_first = static_cast<uint64_t>(first);
            if (slash != std::string::npos && parse_int(v.substr(slash + 1), whole))
                t->range_total = static_cast<uint64_t>(whole);
        }
        return size * count;
    }

    static size_t on_body(char* data, size_t size, size_t count, void* self) {
        auto* t = static_cast<Transfer*>(self);
        size_t n = size * count;
        try {
            if (!t->decided) t->decide();
            t->sink->on_data(data, n);
            t->offset += n;
            t->stats.transferred += n;
            return n;
        } catch (...) {
            t->error = std::current_exception();
            return CURL_WRITEFUNC_ERROR;
        }
    }
};

bool retryable(CURLcode rc) {
    switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_PARTIAL_FILE:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_SSL_CONNECT_ERROR:  // also a reset during the handshake
            return true;
        default:
            return false;
    }
}

bool retryable_status(long status) {
    return status == 408 || status == 429 || status >= 500;
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

DownloadStats download(const std::string& url, DownloadSink& sink, const DownloadOptions& options) {
    global_init();
    Transfer t;
    t.sink = &sink;
    t.url = redact_url(url);
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw DownloadError("cannot initialise libcurl");
    t.curl = curl.get();

    char error_text[CURL_ERROR_SIZE];
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ingot-agent");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);  // fewer, larger callbacks
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options.tls.verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options.tls.verify ? 2L : 0L);
    if (!options.tls.ca_path.empty()) {
        // A directory of hashed certificates (c_rehash) or a PEM bundle.
        std::error_code ec;
        bool dir = std::filesystem::is_directory(options.tls.ca_path, ec);
        curl_easy_setopt(c, dir ? CURLOPT_CAPATH : CURLOPT_CAINFO, options.tls.ca_path.c_str());
    }
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);

    uint64_t furthest = 0;
    int failures = 0;
    while (true) {
        ++t.stats.attempts;
        t.decided = false;
        t.error = nullptr;
        error_text[0] = '\0';
        std::string range = std::to_string(t.offset) + "-";
        curl_easy_setopt(c, CURLOPT_RANGE, t.offset > 0 ? range.c_str() : nullptr);

        CURLcode rc = curl_easy_perform(c);
        if (t.error) std::rethrow_exception(t.error);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);

        std::string failure;
        if (rc == CURLE_OK) {
            if (!t.decided) t.decide();  // an empty body never reached on_body
            if (!t.total || t.offset >= *t.total) break;
            failure =
                "connection closed after " + std::to_string(t.offset) + " of " + std::to_string(*t.total) + " bytes";
        } else if (rc == CURLE_HTTP_RETURNED_ERROR) {
            if (status == 416 && t.total && t.offset == *t.total) break;  // resumed at the very end
            failure = "HTTP " + std::to_string(status);
            if (!retryable_status(status)) throw DownloadError("GET " + t.url + " failed: " + failure);
        } else {
            failure = std::string(curl_easy_strerror(rc)) + (error_text[0] ? std::string(": ") + error_text : "");
            if (!retryable(rc)) throw DownloadError("GET " + t.url + " failed: " + failure);
        }

        if (t.offset > furthest) {
            furthest = t.offset;
            failures = 0;
        }
        ++failures;
        if (failures >= options.max_attempts)
            throw DownloadError("GET " + t.url + " failed " + std::to_string(failures) +
                                " times in a row without progress, giving up at byte " + std::to_string(t.offset) +
                                ": " + failure);
        auto delay = std::min<std::chrono::milliseconds>(options.retry_delay * (1LL << std::min(failures - 1, 10)),
                                                         std::chrono::seconds(30));
        log::warning("agent.image.download_retry", {{"url", t.url},
                                                    {"offset", std::to_string(t.offset)},
                                                    {"error", failure},
                                                    {"attempt", std::to_string(t.stats.attempts)},
                                                    {"delay_ms", std::to_string(delay.count())}});
        std::this_thread::sleep_for(delay);
    }
    t.stats.size = t.offset;
    return t.stats;
}

}  // namespace ingot::agent::image
