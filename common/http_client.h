// A small blocking HTTP/1.1 client over libcurl, shared by the admin CLI and
// the ramdisk agent. One client talks to one base URL and keeps one
// connection open between requests (see request()). It is not thread-safe:
// give each thread its own client.
//
// Non-2xx answers are not errors here: request() returns them with their
// status and body, and the caller decides what they mean. Only transport
// failures (cannot connect, timed out, bad URL, an answer past the size
// limit) throw.
//
// Every answer is bounded (set_max_answer_bytes, 64 MiB unless set; headers
// to 256 KiB): the conductor talks to agents, BMCs and Keystone over
// networks an attacker may reach, and an endless answer must not become an
// endless string.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/errors.h"

namespace ingot {

// The request never got an HTTP answer: DNS, TCP, TLS or protocol failure.
class HttpTransportError : public Error {
public:
    using Error::Error;
};

// Nothing listens at the address, or the host name does not resolve.
class HttpConnectError : public HttpTransportError {
public:
    using HttpTransportError::HttpTransportError;
};

// The whole exchange took longer than the client's timeout.
class HttpTimeoutError : public HttpTransportError {
public:
    using HttpTransportError::HttpTransportError;
};

// The server's certificate could not be verified (or the CA file is unusable).
class HttpTlsError : public HttpTransportError {
public:
    using HttpTransportError::HttpTransportError;
};

// The server sent more than the client's limit: refused while it was still
// arriving (or at once, when its Content-Length said so).
class HttpAnswerTooLargeError : public HttpTransportError {
public:
    using HttpTransportError::HttpTransportError;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// How an https:// server's certificate is checked.
struct TlsVerification {
    bool verify = true;  // false accepts any certificate (Redfish's verify_ca=False)
    // What to trust instead of the system's CAs: a PEM bundle file or a
    // directory of hashed certificates (c_rehash); empty: the system's.
    std::string ca_path;
    // PEM certificates held in memory, trusted instead of ca_path and of the
    // system's CAs (a pinned self-signed certificate: an agent's auto-TLS).
    // The server's name is still checked against the certificate.
    std::string ca_pem;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    HttpHeaders headers;  // in arrival order, names as the server spelled them

    // First header with this name, compared case-insensitively.
    std::optional<std::string> header(std::string_view name) const;
};

class HttpClient {
public:
    using Response = HttpResponse;

    // `base_url` is "scheme://host[:port][/prefix]"; a trailing '/' is dropped.
    // `timeout` bounds each whole request (connect + send + receive); zero
    // means no limit.
    HttpClient(std::string base_url, std::chrono::milliseconds timeout);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // `path` is appended to the base URL ("/v1/nodes?limit=2"); a full
    // "http(s)://..." URL is used as is. A non-empty body is sent as
    // application/json unless `headers` names another Content-Type.
    // Throws HttpConnectError, HttpTimeoutError, HttpTlsError,
    // HttpAnswerTooLargeError or HttpTransportError.
    Response request(std::string_view method, std::string_view path, std::string_view body = {},
                     const HttpHeaders& headers = {});

    void set_tls_verification(TlsVerification tls);
    // Bounds connecting (TCP and TLS handshake) separately from the whole
    // request; zero (the default) uses the request timeout.
    void set_connect_timeout(std::chrono::milliseconds timeout);
    // Refuses (HttpAnswerTooLargeError) an answer whose body is larger than
    // `bytes`; set it to what the peer can legitimately send.
    void set_max_answer_bytes(size_t bytes);
    // HTTP basic authentication on every request; an empty user turns it off.
    // The password stays in the client, never in errors or logs.
    void set_basic_auth(std::string user, std::string password);

    // The local address requests leave from (tests play machines at other
    // loopback addresses, 127.0.0.2...); empty: the kernel's choice.
    void set_local_address(std::string address);

    // A header sent with every request (e.g. the API microversion). Setting
    // a name again replaces its value; a header of the same name given to
    // request() wins for that request.
    void set_default_header(std::string name, std::string value);

    const std::string& base_url() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ingot
