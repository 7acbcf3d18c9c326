// Which redirects the conductor follows when it fetches a kernel, ramdisk
// or ISO (the transfers themselves are tested against a real server in
// tests/integration/image_source_test.cpp).
#include <gtest/gtest.h>

#include "boot/http_fetch.h"

using ingot::boot::redirect_refusal;

namespace {

TEST(BootHttpFetch, RedirectsStayOnHttpAndOnUsualPorts) {
    const std::string origin = "http://images.example:8080/agent.kernel";
    EXPECT_EQ(redirect_refusal(origin, "https://cdn.example/agent.kernel"), "");
    EXPECT_EQ(redirect_refusal(origin, "http://cdn.example:80/agent.kernel"), "");
    EXPECT_EQ(redirect_refusal(origin, "http://mirror.example:8080/agent.kernel"), "");  // the origin's port
    EXPECT_NE(redirect_refusal(origin, "file:///etc/passwd").find("only http:// and https://"), std::string::npos);
    EXPECT_NE(redirect_refusal(origin, "gopher://127.0.0.1:6379/_FLUSHALL"), "");
    EXPECT_NE(redirect_refusal(origin, "http://127.0.0.1:6379/").find("port 6379 is neither the default port of http"),
              std::string::npos);
    EXPECT_NE(redirect_refusal(origin, "https://127.0.0.1:22/"), "");
    EXPECT_NE(redirect_refusal(origin, "not a url at all"), "");
}

}  // namespace
