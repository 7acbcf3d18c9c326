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

size_t on_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// libcurl hands over one header line at a time, status lines included.
size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* headers = static_cast<HttpHeaders*>(user);
    std::string_view line(data, size * count);
    // A new status line starts a new response (after "100 Continue" or an
    // informational reply); only the last response's headers count.
    if (starts_with(line, "HTTP/")) {
        headers->clear();
        return size * count;
    }
    size_t colon = line.find(':');
    if (colon != std::string_view::npos)
        headers->emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
    return size * count;
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
    char error_text[CURL_ERROR_SIZE] = {0};

    auto has_header = [&](std::string_view name) {
        return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
    };
    Slist header_list;
    // Declared after what the handle points to, so it runs first on exit.
    ResetOnExit reset_on_exit{curl};
    for (const auto& [k, v] : impl_->default_headers)
        if (!has_header(k)) append(header_list, k + ": " + v);
    for (const auto& [k, v] : headers) append(header_list, k + ": " + v);
    // Some servers (Pistache, which Ingot's API once ran on) close HTTP/1.1
    // connections that do not ask for keep-alive, a TCP handshake per call.
    if (!has_header("Connection")) append(header_list, "Connection: keep-alive");
    if (!has_header("Accept")) append(header_list, "Accept: application/json");
    if (!body.empty() && !has_header("Content-Type")) append(header_list, "Content-Type: application/json");
    // An empty "Expect:" stops libcurl from waiting for "100 Continue" on
    // larger bodies, a round trip the servers we talk to never need.
    if (!has_header("Expect")) append(header_list, "Expect:");

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    // No signals: the timeout must work in threaded programs (the agent).
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(impl_->timeout.count()));
    const auto connect_timeout = impl_->connect_timeout.count() > 0 ? impl_->connect_timeout : impl_->timeout;
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    if (!impl_->tls.verify) {
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!impl_->tls.ca_pem.empty()) {
        // Only this certificate: no bundle file or directory besides it.
        curl_blob blob{impl_->tls.ca_pem.data(), impl_->tls.ca_pem.size(), CURL_BLOB_COPY};
        curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
        curl_easy_setopt(curl, CURLOPT_CAINFO, nullptr);
        curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr);
    } else if (!impl_->tls.ca_path.empty()) {
        const bool directory = std::filesystem::is_directory(impl_->tls.ca_path);
        curl_easy_setopt(curl, directory ? CURLOPT_CAPATH : CURLOPT_CAINFO, impl_->tls.ca_path.c_str());
    }
    const std::string interface = impl_->local_address.empty() ? "" : "host!" + impl_->local_address;
    if (!interface.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, interface.c_str());
    if (!impl_->user.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, impl_->user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, impl_->password.c_str());
    }

    if (verb == "GET" && body.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else if (verb == "HEAD") {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else {
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

    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        std::string detail = error_text[0] ? error_text : curl_easy_strerror(rc);
        switch (rc) {
            case CURLE_COULDNT_CONNECT:
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_COULDNT_RESOLVE_PROXY:
                throw HttpConnectError("cannot connect to " + url + ": " + detail);
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE:
                throw HttpTlsError("TLS verification of " + url + " failed: " + detail);
            case CURLE_OPERATION_TIMEDOUT:
                throw HttpTimeoutError("no answer from " + url + " within " + seconds_text(impl_->timeout) + ": " +
                                       detail);
            default:
                throw HttpTransportError(verb + " " + url + " failed: " + detail);
        }
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace ingot
