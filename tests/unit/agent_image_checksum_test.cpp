// Checksum selection (Ironic's os_hash_* vs legacy checksum) and the
// streaming hasher.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "ramdisk-agent/image/checksum.h"
#include "ramdisk-agent/image/download.h"

namespace img = ingot::agent::image;

TEST(AgentImageChecksum, MultihashWinsOverLegacyChecksum) {
    auto c = img::resolve_checksum("SHA512", std::string(128, 'A'), std::string(32, 'b'));
    EXPECT_EQ(c.algo, img::HashAlgo::sha512);
    EXPECT_EQ(c.hex, std::string(128, 'a'));
}

TEST(AgentImageChecksum, LegacyChecksumAlgorithmFollowsItsLength) {
    EXPECT_EQ(img::resolve_checksum("", "", std::string(32, '1')).algo, img::HashAlgo::md5);
    EXPECT_EQ(img::resolve_checksum("", "", std::string(64, '1')).algo, img::HashAlgo::sha256);
    EXPECT_EQ(img::resolve_checksum("", "", std::string(128, '1')).algo, img::HashAlgo::sha512);
    EXPECT_TRUE(img::resolve_checksum("", "", "").hex.empty());
}

TEST(AgentImageChecksum, BadValuesAreRejectedWithTheReason) {
    EXPECT_THROW(img::resolve_checksum("sha1", std::string(40, 'a'), ""), ingot::InvalidInput);
    EXPECT_THROW(img::resolve_checksum("", std::string(64, 'a'), ""), ingot::InvalidInput);
    try {
        img::resolve_checksum("sha256", std::string(32, 'a'), "");
        FAIL();
    } catch (const ingot::InvalidInput& e) {
        EXPECT_STREQ(e.what(), "os_hash_value has 32 hex digits, sha256 needs 64");
    }
    EXPECT_THROW(img::resolve_checksum("", "", std::string(32, 'z')), ingot::InvalidInput);
}

TEST(AgentImageChecksum, HasherKnownVectorsAndReset) {
    img::Hasher h(img::HashAlgo::sha256);
    h.update("ab", 2);
    h.update("c", 1);
    EXPECT_EQ(h.hex_digest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(h.hex_digest(), h.hex_digest());  // reading does not consume the state
    h.reset();
    EXPECT_EQ(h.hex_digest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    img::Hasher m(img::HashAlgo::md5);
    m.update("abc", 3);
    EXPECT_EQ(m.hex_digest(), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(AgentImageChecksum, RedactedUrlsLoseQueryAndCredentials) {
    EXPECT_EQ(img::redact_url("https://user:pw@swift:8080/v1/a/c/o?temp_url_sig=abc&x=1"),
              "https://swift:8080/v1/a/c/o");
    EXPECT_EQ(img::redact_url("http://h/img.raw"), "http://h/img.raw");
}
