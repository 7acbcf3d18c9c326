#include "common/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "common/strings.h"

namespace ingot {
namespace {

// curl_global_init is not safe to race with other threads starting libcurl,
// so the first client does it exactly once for the process.
void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (rc != CURLE_OK)
            throw HttpTransportError(std::string("cannot initialise libcurl: ") + curl_easy_strerror(rc));
    });
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && to_lower(a) == to_lower(b);
}

bool is_absolute_url(std::string_view s) {
    return starts_with(s, "http://") || starts_with(s, "https://");
}

// Frees a curl_slist however request() leaves.
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

void append(Slist& list, const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (!grown) throw HttpTransportError("out of memory building request headers");
    list.release();
    list.reset(grown);
}

// "60 s", "0.5 s": the timeout as a person set it.
std::string seconds_text(std::chrono::milliseconds ms) {
    std::string text = std::to_string(ms.count() / 1000);
    if (long long frac = ms.count() % 1000) {
        std::string digits = std::to_string(1000 + frac).substr(1);
        while (digits.back() == '0') digits.pop_back();
        text += "." + digits;
    }
    return text + " s";
}

// Clears the options that point into request()'s locals once it returns, so
// the handle never holds a dangling pointer between requests.
struct ResetOnExit {
    CURL* curl;
    ~ResetOnExit() { curl_easy_reset(curl); }
};

constexpr size_t kDefaultMaxAnswerBytes = size_t{64} << 20;
// All header lines of one exchange, informational answers included. libcurl
// bounds one line (100 KiB), not how many there are.
constexpr size_t kMaxHeaderBytes = size_t{256} << 10;

// Where an answer's body goes, and the most it may grow to. Returning less
// than was handed over makes libcurl stop with CURLE_WRITE_ERROR.
struct BodySink {
    std::string& body;
    size_t limit;
    bool overflowed = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<BodySink*>(user);
    const size_t n = size * count;
    if (n > sink->limit - sink->body.size()) {
        sink->overflowed = true;
        return 0;
    }
    sink->body.append(data, n);
    return n;
}

struct HeaderSink {
    HttpHeaders& headers;
    size_t bytes = 0;
    bool overflowed = false;
};

// libcurl hands over one header line at a time, status lines included.
size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<HeaderSink*>(user);
    const size_t n = size * count;
    sink->bytes += n;
    if (sink->bytes > kMaxHeaderBytes) {
        sink->overflowed = true;
        return 0;
    }
    std::string_view line(data, n);
    // A new status line starts a new response (after "100 Continue" or an
    // informational reply); only the last response's headers count.
    if (starts_with(line, "HTTP/")) {
        sink->headers.clear();
        return n;
    }
    size_t colon = line.find(':');
    if (colon != std::string_view::npos)
        sink->headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    return n;
}

// "64 MiB", "300 KiB", "1000 bytes": a limit as a person set it.
std::string size_text(size_t bytes) {
    if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}


Slist header_lines(const HttpHeaders& defaults, const HttpHeaders& headers, bool has_body) {
    auto has_header = [&](std::string_view name) {
        return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
    };
    Slist list;
    for (const auto& [k, v] : defaults)
        if (!has_header(k)) append(list, k + ": " + v);
    for (const auto& [k, v] : headers) append(list, k + ": " + v);
    // Some servers (Pistache, which Ingot's API once ran on) close HTTP/1.1
    // connections that do not ask for keep-alive, a TCP handshake per call.
    if (!has_header("Connection")) append(list, "Connection: keep-alive");
    if (!has_header("Accept")) append(list, "Accept: application/json");
    if (has_body && !has_header("Content-Type")) append(list, "Content-Type: application/json");
    // An empty "Expect:" stops libcurl from waiting for "100 Continue" on
    // larger bodies, a round trip the servers we talk to never need.
    if (!has_header("Expect")) append(list, "Expect:");
    return list;
}

void set_tls_options(CURL* curl, const TlsVerification& tls) {
    if (!tls.verify) {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!tls.ca_pem.empty()) {
        // Only this certificate: no bundle file or directory besides it.
        curl_blob blob{const_cast<char*>(tls.ca_pem.data()), tls.ca_pem.size(), CURL_BLOB_COPY};
        curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
        curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
        curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    } else if (!tls.ca_path.empty()) {
        const bool directory = std::filesystem::is_directory(tls.ca_path);
        curl_easy_setopt(curl, directory ? CURLOPT_CAPATH : CURLOPT_CAINFO, tls.ca_path.c_str());
    }
}

void set_method_options(CURL* curl, const std::string& verb, std::string_view body) {
    if (verb == "GET" && body.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (verb == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        return;
    }
    if (verb != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, verb.c_str());
    // POST/PUT/PATCH always carry a Content-Length (0 for no body) so the
    // server never waits for a body that is not coming. DELETE without a
    // body sends none, as most clients do.
    if (!body.empty() || verb == "POST" || verb == "PUT" || verb == "PATCH") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        // Never NULL: that would make libcurl read the body from a callback.
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
    }
}

[[noreturn]] void throw_transport_error(CURLcode rc, const char* error_text, const std::string& verb,
                                        const std::string& url, std::chrono::milliseconds timeout) {
    const std::string detail = error_text[0] ? error_text : curl_easy_strerror(rc);
    switch (rc) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            throw HttpConnectError("cannot connect to " + url + ": " + detail);
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
            throw HttpTlsError("TLS verification of " + url + " failed: " + detail);
        case CURLE_OPERATION_TIMEDOUT:
            throw HttpTimeoutError("no answer from " + url + " within " + seconds_text(timeout) + ": " + detail);
        default:
            throw HttpTransportError(verb + " " + url + " failed: " + detail);
    }
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return std::nullopt;
}

struct HttpClient::Impl {
    std::string base_url;
    std::chrono::milliseconds timeout;
    std::chrono::milliseconds connect_timeout{0};
    HttpHeaders default_headers;
    TlsVerification tls;
    std::string user;
    std::string password;
    std::string local_address;
    size_t max_answer_bytes = kDefaultMaxAnswerBytes;
    // One easy handle for the client's life: libcurl keeps its connection
    // cache in the handle, so reusing it is what keeps the TCP connection
    // (and the server's keep-alive) between requests.
    CURL* curl = nullptr;

    ~Impl() {
        if (curl) curl_easy_cleanup(curl);
    }
};

HttpClient::HttpClient(std::string base_url, std::chrono::milliseconds timeout) : impl_(std::make_unique<Impl>()) {
    global_init_once();
    while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
    impl_->base_url = std::move(base_url);
    impl_->timeout = timeout;
    impl_->curl = curl_easy_init();
    if (!impl_->curl) throw HttpTransportError("cannot create a libcurl handle");
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

const std::string& HttpClient::base_url() const {
    return impl_->base_url;
}

void HttpClient::set_tls_verification(TlsVerification tls) {
    impl_->tls = std::move(tls);
}

void HttpClient::set_connect_timeout(std::chrono::milliseconds timeout) {
    impl_->connect_timeout = timeout;
}

void HttpClient::set_max_answer_bytes(size_t bytes) {
    impl_->max_answer_bytes = bytes;
}

void HttpClient::set_basic_auth(std::string user, std::string password) {
    impl_->user = std::move(user);
    impl_->password = std::move(password);
}

void HttpClient::set_local_address(std::string address) {
    impl_->local_address = std::move(address);
}

void HttpClient::set_default_header(std::string name, std::string value) {
    for (auto& [k, v] : impl_->default_headers) {
        if (iequals(k, name)) {
            v = std::move(value);
            return;
        }
    }
    impl_->default_headers.emplace_back(std::move(name), std::move(value));
}

HttpResponse HttpClient::request(std::string_view method, std::string_view path, std::string_view body,
                                 const HttpHeaders& headers) {
    CURL* curl = impl_->curl;
    // Reset clears options but keeps live connections, so keep-alive
    // survives it.
    curl_easy_reset(curl);

    const std::string url = is_absolute_url(path) ? std::string(path) : impl_->base_url + std::string(path);
    const std::string verb(method);
    HttpResponse response;
    BodySink body_sink{response.body, impl_->max_answer_bytes};
    HeaderSink header_sink{response.headers};
    char error_text[CURL_ERROR_SIZE] = {0};
    Slist header_list = header_lines(impl_->default_headers, headers, !body.empty());
    // Declared after what the handle points to, so it runs first on exit.
    ResetOnExit reset_on_exit{curl};

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    // No signals: the timeout must work in threaded programs (the agent).
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(impl_->timeout.count()));
    const auto connect_timeout = impl_->connect_timeout.count() > 0 ? impl_->connect_timeout : impl_->timeout;
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    // Refused at once when the Content-Length says so; the sink checks the rest.
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(impl_->max_answer_bytes));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body_sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &header_sink);
    set_tls_options(curl, impl_->tls);
    const std::string interface = impl_->local_address.empty() ? "" : "host!" + impl_->local_address;
    if (!interface.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
    if (!impl_->user.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, impl_->user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, impl_->password.c_str());
    }
    set_method_options(curl, verb, body);

    CURLcode rc = curl_easy_perform(curl);
    if (body_sink.overflowed || rc == CURLE_FILESIZE_EXCEEDED)
        throw HttpAnswerTooLargeError("the answer to " + verb + " " + url + " is larger than " +
                                      size_text(impl_->max_answer_bytes) + ": refused");
    if (header_sink.overflowed)
        throw HttpAnswerTooLargeError("the answer to " + verb + " " + url + " has more than " +
                                      size_text(kMaxHeaderBytes) + " of headers: refused");
    if (rc != CURLE_OK) throw_transport_error(rc, error_text, verb, url, impl_->timeout);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace ingot
