#include <gtest/gtest.h>

#include <set>

#include "common/ids.h"
#include "common/secrets.h"
#include "common/strings.h"

#include <nlohmann/json.hpp>

using namespace ingot;

TEST(Ids, GeneratedUuidsAreVersion4AndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        std::string u = generate_uuid();
        ASSERT_TRUE(is_uuid_like(u)) << u;
        ASSERT_EQ(u[14], '4');
        ASSERT_TRUE(seen.insert(u).second);
    }
}

TEST(Ids, UuidLike) {
    EXPECT_TRUE(is_uuid_like("F406728C-b218-4907-b4dc-8dc602e58605"));
    EXPECT_FALSE(is_uuid_like("f406728cb2184907b4dc8dc602e58605"));
    EXPECT_FALSE(is_uuid_like("f406728c-b218-4907-b4dc-8dc602e5860z"));
    EXPECT_FALSE(is_uuid_like(""));
    EXPECT_EQ(normalize_uuid("F406728C-B218-4907-B4DC-8DC602E58605"), "f406728c-b218-4907-b4dc-8dc602e58605");
}

TEST(Ids, Macs) {
    std::string out;
    EXPECT_TRUE(normalize_mac("52:54:00:AA:bb:01", out));
    EXPECT_EQ(out, "52:54:00:aa:bb:01");
    EXPECT_FALSE(normalize_mac("52-54-00-aa-bb-01", out));
    EXPECT_FALSE(normalize_mac("52:54:00:aa:bb", out));
    EXPECT_FALSE(normalize_mac("52:54:00-aa:bb:01", out));
    EXPECT_FALSE(normalize_mac("52:54:00:aa:bb:0g", out));
    EXPECT_FALSE(normalize_mac("525400aabb01", out));
}

TEST(Ids, TimestampFormat) {
    std::string t = utc_now_iso();
    ASSERT_EQ(t.size(), 32u) << t;
    EXPECT_EQ(t.substr(t.size() - 6), "+00:00");
    EXPECT_EQ(t[10], 'T');
}

TEST(Strings, PercentDecoding) {
    std::string out;
    EXPECT_TRUE(percent_decode("a%20b%2Fc", out));
    EXPECT_EQ(out, "a b/c");
    EXPECT_FALSE(percent_decode("a%2", out));
    EXPECT_FALSE(percent_decode("a%", out));
    EXPECT_FALSE(percent_decode("%zz", out));
    EXPECT_EQ(percent_encode("wait call-back"), "wait%20call-back");
}

TEST(Strings, ParseIntIsStrict) {
    long long v = 0;
    EXPECT_TRUE(parse_int("42", v));
    EXPECT_EQ(v, 42);
    EXPECT_TRUE(parse_int("-3", v));
    EXPECT_FALSE(parse_int("4x", v));
    EXPECT_FALSE(parse_int("", v));
    EXPECT_FALSE(parse_int("99999999999999999999", v));
}

TEST(Secrets, MaskedAtAnyDepth) {
    nlohmann::json v = {{"ipmi_password", "x"},
                        {"ipmi_address", "10.0.0.1"},
                        {"nested", {{"redfish_password", "y"}, {"list", {{{"agent_secret_token", "z"}}}}}}};
    mask_secrets(v);
    EXPECT_EQ(v["ipmi_password"], "******");
    EXPECT_EQ(v["ipmi_address"], "10.0.0.1");
    EXPECT_EQ(v["nested"]["redfish_password"], "******");
    EXPECT_EQ(v["nested"]["list"][0]["agent_secret_token"], "******");
    EXPECT_FALSE(is_secret_key("ipmi_username"));
}
