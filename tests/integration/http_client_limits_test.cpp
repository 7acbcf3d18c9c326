// common/http_client's answer limits against hostile servers over real
// sockets: an answer that never ends (chunked, or under a Content-Length of
// a terabyte) or headers that never end is refused once it passes the
// limit, not read into memory until a timeout; an answer up to the limit
// is read whole, and the client still works after a refusal.
#include <gtest/gtest.h>

#include "common/http_client.h"
#include "http/server.h"
#include "tests/support/flooding_server.h"

using namespace ingot;
using test::FloodingServer;

namespace {

constexpr size_t kMiB = size_t{1} << 20;
// What may be in flight past the client's limit: both ends' socket buffers.
constexpr uint64_t kInFlight = uint64_t{32} << 20;

// Answers `size` bytes of JSON string to every request.
class SizedAnswerServer {
public:
    explicit SizedAnswerServer(size_t size)
        : server_([size](http::Request&) { return http::Response{200, std::string(size, ' ')}; },
                  http::ServerOptions{"127.0.0.1", 0, 1}) {
        server_.start();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

private:
    http::Server server_;
};

std::string refusal(HttpClient& client) {
    try {
        client.request("GET", "/v1/commands/");
    } catch (const HttpAnswerTooLargeError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not refused for its size: ") + e.what();
    }
    return "answered";
}

}  // namespace

TEST(HttpClientLimits, AnEndlessChunkedAnswerIsRefusedAtTheLimit) {
    FloodingServer flood(FloodingServer::Flood::chunked_body);
    HttpClient client(flood.url(), std::chrono::seconds(30));
    client.set_max_answer_bytes(kMiB);
    EXPECT_EQ(refusal(client), "the answer to GET " + flood.url() + "/v1/commands/ is larger than 1 MiB: refused");
    EXPECT_LT(flood.bytes_sent(), kMiB + kInFlight);
}

TEST(HttpClientLimits, AHugeContentLengthIsRefusedBeforeItsBody) {
    FloodingServer flood(FloodingServer::Flood::declared_length);
    HttpClient client(flood.url(), std::chrono::seconds(30));
    client.set_max_answer_bytes(kMiB);
    EXPECT_EQ(refusal(client), "the answer to GET " + flood.url() + "/v1/commands/ is larger than 1 MiB: refused");
    EXPECT_LT(flood.bytes_sent(), kInFlight);
}

TEST(HttpClientLimits, EndlessHeadersAreRefused) {
    FloodingServer flood(FloodingServer::Flood::headers);
    HttpClient client(flood.url(), std::chrono::seconds(30));
    EXPECT_EQ(refusal(client),
              "the answer to GET " + flood.url() + "/v1/commands/ has more than 256 KiB of headers: refused");
    EXPECT_LT(flood.bytes_sent(), kInFlight);
}

TEST(HttpClientLimits, AClientThatSetNoLimitStillHasOne) {
    FloodingServer flood(FloodingServer::Flood::chunked_body);
    HttpClient client(flood.url(), std::chrono::seconds(60));
    EXPECT_EQ(refusal(client), "the answer to GET " + flood.url() + "/v1/commands/ is larger than 64 MiB: refused");
    EXPECT_LT(flood.bytes_sent(), 64 * kMiB + kInFlight);
}

TEST(HttpClientLimits, AnAnswerOfExactlyTheLimitIsReadAndOneByteMoreIsNot) {
    SizedAnswerServer exact(kMiB);
    HttpClient client(exact.url(), std::chrono::seconds(30));
    client.set_max_answer_bytes(kMiB);
    EXPECT_EQ(client.request("GET", "/").body.size(), kMiB);

    SizedAnswerServer over(kMiB + 1);
    HttpClient over_client(over.url(), std::chrono::seconds(30));
    over_client.set_max_answer_bytes(kMiB);
    EXPECT_NE(refusal(over_client).find("is larger than 1 MiB: refused"), std::string::npos);
}

TEST(HttpClientLimits, TheClientWorksAgainAfterARefusal) {
    SizedAnswerServer server(2 * kMiB);
    HttpClient client(server.url(), std::chrono::seconds(30));
    client.set_max_answer_bytes(kMiB);
    EXPECT_NE(refusal(client).find("is larger than 1 MiB"), std::string::npos);
    client.set_max_answer_bytes(4 * kMiB);
    EXPECT_EQ(client.request("GET", "/").body.size(), 2 * kMiB);
}
