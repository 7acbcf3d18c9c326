#include <gtest/gtest.h>

#include "common/errors.h"
#include "conductor/api/api_version.h"

using namespace ingot;
using namespace ingot::api;

TEST(ApiVersion, NoHeaderMeansMinimum) {
    EXPECT_EQ(negotiate_version(std::nullopt, std::nullopt), (Version{1, 1}));
}

TEST(ApiVersion, IronicHeaderAndLatest) {
    EXPECT_EQ(negotiate_version("1.46", std::nullopt), (Version{1, 46}));
    EXPECT_EQ(negotiate_version("latest", std::nullopt), kMaxVersion);
    EXPECT_EQ(negotiate_version(" LATEST ", std::nullopt), kMaxVersion);
}

TEST(ApiVersion, StandardHeaderWins) {
    EXPECT_EQ(negotiate_version("1.10", std::string("baremetal 1.31")), (Version{1, 31}));
    EXPECT_EQ(negotiate_version(std::nullopt, std::string("compute 2.1, baremetal 1.60")), (Version{1, 60}));
    // Another service's header alone does not count.
    EXPECT_EQ(negotiate_version("1.5", std::string("compute 2.1")), (Version{1, 5}));
}

TEST(ApiVersion, MalformedIs406) {
    for (const char* bad : {"abc", "1", "1.x", "1.+5", "", "1.1.1"}) {
        try {
            negotiate_version(std::string(bad), std::nullopt);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const NotAcceptable& e) {
            EXPECT_STREQ(e.what(), "Invalid value for X-OpenStack-Ironic-API-Version header");
        }
    }
}

TEST(ApiVersion, UnsupportedIs406WithTheRange) {
    for (const char* bad : {"1.99", "1.0", "2.1"}) {
        try {
            negotiate_version(std::string(bad), std::nullopt);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const NotAcceptable& e) {
            EXPECT_NE(std::string(e.what()).find("[1.1, 1.82]"), std::string::npos) << e.what();
        }
    }
}

TEST(ApiVersion, MessageMatchesIronic) {
    try {
        negotiate_version("1.99", std::nullopt);
        FAIL();
    } catch (const NotAcceptable& e) {
        EXPECT_STREQ(e.what(),
                     "Version 1.99 was requested but the minor version is not supported by this service. "
                     "The supported version range is: [1.1, 1.82].");
    }
}
