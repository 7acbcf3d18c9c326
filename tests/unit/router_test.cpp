#include <gtest/gtest.h>

#include "common/errors.h"
#include "conductor/api/http.h"

using namespace ingot;
using namespace ingot::api;

namespace {
Handler tagged(int tag) {
    return [tag](const Request&) {
        Response r;
        r.status = tag;
        return r;
    };
}
int call(const Router::Match& m) {
    return (*m.handler)(Request{}).status;
}
}  // namespace

TEST(Router, LiteralSegmentBeatsParameter) {
    Router r;
    r.add("GET", "/v1/nodes/{node}", tagged(1));
    r.add("GET", "/v1/nodes/detail", tagged(2));
    EXPECT_EQ(call(r.match("GET", "/v1/nodes/detail")), 2);
    auto m = r.match("GET", "/v1/nodes/abc");
    EXPECT_EQ(call(m), 1);
    EXPECT_EQ(m.params.at("node"), "abc");
}

TEST(Router, ParametersArePercentDecodedAndSlashesIgnored) {
    Router r;
    r.add("GET", "/v1/nodes/{node}/states", tagged(1));
    auto m = r.match("GET", "/v1/nodes/my%7Enode/states/");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.params.at("node"), "my~node");
    EXPECT_THROW(r.match("GET", "/v1/nodes/bad%zz/states"), InvalidInput);
}

TEST(Router, WrongMethodListsAllowedOnes) {
    Router r;
    r.add("GET", "/v1/nodes", tagged(1));
    r.add("POST", "/v1/nodes", tagged(2));
    auto m = r.match("PUT", "/v1/nodes");
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
    auto none = r.match("GET", "/v1/other");
    EXPECT_EQ(none.handler, nullptr);
    EXPECT_TRUE(none.allowed.empty());
}
