// The master image cache on real files in a temporary directory: one
// master per content, re-fetched when the source changes, unused masters
// evicted least recently used first and masters in use never.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "boot/image_cache.h"
#include "boot/image_fetch.h"
#include "tests/support/conductor_process.h"

using ingot::boot::ImageCache;
using ingot::boot::ImageFetchError;
namespace fs = std::filesystem;

namespace {

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

size_t masters(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename().string().size() == 64) ++n;
    return n;
}

class BootImageCache : public ::testing::Test {
protected:
    std::string path(const std::string& name) { return dir_.path() + "/" + name; }
    // Local sources may come from the test's directory only.
    ingot::boot::FetchPolicy policy() const {
        ingot::boot::FetchPolicy p;
        p.files.allowed_paths = {dir_.path()};
        return p;
    }
    ingot::test::TempDir dir_;
};

TEST_F(BootImageCache, OneMasterPerContentAndStagedAsHardLinks) {
    ImageCache cache(path("cache"), 1 << 20, policy());
    write(path("a"), "kernel bytes");
    write(path("b"), "kernel bytes");  // same content, another href
    const std::string m1 = cache.master("file://" + path("a"));
    const std::string m2 = cache.master(path("b"));
    EXPECT_EQ(m1, m2);
    EXPECT_EQ(ingot::boot::sha256_of_file(m1), fs::path(m1).filename().string());
    cache.stage(path("a"), path("node/deploy_kernel"));
    EXPECT_EQ(fs::hard_link_count(m1), 2u);
    EXPECT_EQ(masters(path("cache")), 1u);
}

TEST_F(BootImageCache, AChangedSourceIsFetchedAgain) {
    ImageCache cache(path("cache"), 1 << 20, policy());
    write(path("a"), "version one");
    const std::string first = cache.master(path("a"));
    // mtime resolution: make sure the version differs.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    write(path("a"), "version two, longer");
    const std::string second = cache.master(path("a"));
    EXPECT_NE(first, second);
    std::ifstream in(second);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text, "version two, longer");
}

TEST_F(BootImageCache, EvictsUnusedLeastRecentlyUsedFirstAndNeverWhatIsInUse) {
    ImageCache cache(path("cache"), 35, policy());  // bytes: room for three 10-byte images
    write(path("a"), std::string(10, 'a'));
    write(path("b"), std::string(10, 'b'));
    write(path("c"), std::string(10, 'c'));
    write(path("d"), std::string(10, 'd'));
    cache.stage(path("a"), path("node1/kernel"));  // in use
    const std::string b = cache.master(path("b"));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::string c = cache.master(path("c"));
    cache.stage(path("d"), path("node2/kernel"));  // over the limit: b goes (oldest unused), c stays
    EXPECT_FALSE(fs::exists(b));
    EXPECT_TRUE(fs::exists(c));
    EXPECT_EQ(masters(path("cache")), 3u);
    // Tighter: c goes too, but never a or d, which nodes use.
    ImageCache tight(path("cache"), 5, policy());
    tight.evict();
    EXPECT_FALSE(fs::exists(c));
    EXPECT_EQ(masters(path("cache")), 2u);
    // A removed master is fetched again on the next use.
    EXPECT_TRUE(fs::exists(cache.master(path("b"))));
}

TEST_F(BootImageCache, UnreadableSourcesAreReportedByName) {
    ImageCache cache(path("cache"), 1 << 20, policy());
    for (const std::string& missing : {std::string("/nonexistent/ramdisk"), path("nonexistent")}) {
        try {
            cache.master("file://" + missing);
            FAIL() << "no error";
        } catch (const ingot::Error& e) {
            EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(cache.master("ftp://example.invalid/k"), ImageFetchError);
    EXPECT_THROW(cache.master("http://127.0.0.1:1/kernel"), ImageFetchError);
    EXPECT_EQ(masters(path("cache")), 0u);
    for (const auto& e : fs::directory_iterator(path("cache")))
        EXPECT_TRUE(e.is_directory()) << "left behind: " << e.path();
}

TEST_F(BootImageCache, OnlyAllowedSourcesWithinTheSizeCapBecomePublicMasters) {
    ImageCache cache(path("cache"), 1 << 20, policy());
    write(path("kernel"), "kernel bytes");
    const std::string master = cache.master(path("kernel"));
    EXPECT_EQ(fs::status(master).permissions(), fs::perms(0644));  // machines fetch it
    EXPECT_THROW(cache.master("file:///etc/passwd"), ingot::FileSourceRefused);
    write(path("private"), "a key");
    fs::permissions(path("private"), fs::perms(0600));
    EXPECT_THROW(cache.master(path("private")), ingot::FileSourceRefused);

    auto small = policy();
    small.max_bytes = 8;
    ImageCache capped(path("cache"), 1 << 20, small);
    write(path("big"), "sixteen bytes...");
    try {
        capped.master(path("big"));
        FAIL() << "no error";
    } catch (const ImageFetchError& e) {
        EXPECT_NE(std::string(e.what()).find("larger than [pxe] max_image_size"), std::string::npos) << e.what();
    }
    EXPECT_EQ(masters(path("cache")), 1u);
    for (const auto& e : fs::directory_iterator(path("cache")))
        EXPECT_TRUE(e.is_directory() || e.path() == master) << "left behind: " << e.path();
}

}  // namespace
