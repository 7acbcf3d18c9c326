// The write target over a regular file (loop devices are exercised by the
// integration tests): sizing, the refusal past the end, rewind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/image/target.h"
#include "tests/support/conductor_process.h"

namespace img = ingot::agent::image;

namespace {

std::string contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(AgentImageTarget, WritesThroughTheBufferAndRefusesPastTheEnd) {
    ingot::test::TempDir dir;
    std::string file = dir.path() + "/disk";
    std::ofstream(file).close();
    std::filesystem::resize_file(file, 10000);
    img::Target t(file, true, 4096);  // O_DIRECT is dropped where refused (tmpfs)
    EXPECT_EQ(t.size(), 10000u);
    EXPECT_FALSE(t.is_block_device());
    std::string a(6000, 'a');
    t.write(a.data(), a.size());
    std::string b(4001, 'b');
    EXPECT_THROW(t.write(b.data(), b.size()), img::ImageTooLarge);
    EXPECT_EQ(t.offset(), 6000u);
    t.write(b.data(), 4000);
    t.finish();
    EXPECT_EQ(contents(file), a + std::string(4000, 'b'));
}

TEST(AgentImageTarget, RewindStartsAgainAtZero) {
    ingot::test::TempDir dir;
    std::string file = dir.path() + "/disk";
    std::ofstream(file).close();
    std::filesystem::resize_file(file, 8);
    img::Target t(file, false, 4096);
    t.write("xxxx", 4);
    t.rewind();
    t.write("abcdefgh", 8);
    t.finish();
    EXPECT_EQ(contents(file), "abcdefgh");
}

TEST(AgentImageTarget, MissingTargetIsNamed) {
    try {
        img::Target t("/nonexistent/ingot-disk", false);
        FAIL();
    } catch (const img::TargetError& e) {
        EXPECT_STREQ(e.what(), "cannot open /nonexistent/ingot-disk for writing: No such file or directory");
    }
}
