// write_image against real loop devices (over files in a temp dir) and a
// loopback HTTP server that can cut connections and ignore Range. Nothing
// here touches a disk the test did not create.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/process.h"
#include "common/strings.h"
#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/image/write_image.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

namespace img = ingot::agent::image;
using ingot::test::ImageHttpServer;
using ingot::test::LoopDevice;
using ingot::test::read_bytes;
using ingot::test::TempDir;
using ingot::test::write_test_image;

namespace {

std::string sha256_of(const std::string& path) {
    auto r = ingot::run_process({"sha256sum", path});
    return r.out.substr(0, 64);
}

class AgentImageWrite : public ::testing::Test {
protected:
    void SetUp() override {
        image_ = dir_.path() + "/image.raw";
        write_test_image(image_, kImageSize);
    }
    // A loop device of `size` bytes; skips the test when the kernel refuses.
    std::unique_ptr<LoopDevice> loop(uint64_t size) { return std::make_unique<LoopDevice>(size); }
    img::ImageSource source(const ImageHttpServer& server, const std::string& file) {
        img::ImageSource s;
        s.url = server.url();
        s.checksum = {img::HashAlgo::sha256, sha256_of(file)};
        return s;
    }
    img::WriteOptions options() {
        img::WriteOptions o;
        o.scratch_dir = dir_.path();
        o.download.retry_delay = std::chrono::milliseconds(10);
        return o;
    }
    void expect_device_holds_image(const std::string& device) {
        EXPECT_TRUE(read_bytes(device, kImageSize) == read_bytes(image_, kImageSize)) << device << " differs";
    }

    static constexpr uint64_t kImageSize = 3 * 1024 * 1024 + 123;  // unaligned tail
    TempDir dir_;
    std::string image_;
};

#define LOOP_OR_SKIP(var, size) \
    auto var = loop(size);      \
    if (var->device().empty()) GTEST_SKIP() << "the kernel refused a loop device: " << var->error();

TEST_F(AgentImageWrite, RawImageStreamsToLoopDevice) {
    LOOP_OR_SKIP(dev, 8 << 20);
    ImageHttpServer server(image_);
    auto result = img::write_image(source(server, image_), dev->device(), options());
    expect_device_holds_image(dev->device());
    EXPECT_EQ(result.bytes_downloaded, kImageSize);
    EXPECT_EQ(result.bytes_written, kImageSize);
    EXPECT_EQ(result.checksum, sha256_of(image_));
    EXPECT_EQ(result.compression, img::Compression::none);
    EXPECT_EQ(result.attempts, 1);
}

TEST_F(AgentImageWrite, RawImageWithMd5AndSha512) {
    LOOP_OR_SKIP(dev, 8 << 20);
    ImageHttpServer server(image_);
    auto s = source(server, image_);
    s.checksum = img::resolve_checksum("", "", ingot::run_process({"md5sum", image_}).out.substr(0, 32));
    EXPECT_EQ(img::write_image(s, dev->device(), options()).checksum_algo, img::HashAlgo::md5);
    s.checksum = img::resolve_checksum("sha512", ingot::run_process({"sha512sum", image_}).out.substr(0, 128), "");
    img::write_image(s, dev->device(), options());
    expect_device_holds_image(dev->device());
}

struct Codec {
    const char* name;
    std::vector<std::string> argv;  // compresses IMAGE into IMAGE.<ext>, keeping IMAGE
    const char* ext;
    img::Compression compression;
};

class AgentImageCompressed : public AgentImageWrite, public ::testing::WithParamInterface<Codec> {};

TEST_P(AgentImageCompressed, DecompressesWhileStreaming) {
    LOOP_OR_SKIP(dev, 8 << 20);
    Codec codec = GetParam();
    std::vector<std::string> argv = codec.argv;
    argv.push_back(image_);
    auto r = ingot::run_process(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string packed = image_ + codec.ext;
    ImageHttpServer server(packed);
    for (img::Compression declared : {img::Compression::detect, codec.compression}) {
        auto s = source(server, packed);  // the checksum is of the compressed file
        s.compression = declared;
        auto result = img::write_image(s, dev->device(), options());
        expect_device_holds_image(dev->device());
        EXPECT_EQ(result.bytes_downloaded, std::filesystem::file_size(packed));
        EXPECT_EQ(result.bytes_written, kImageSize);
        EXPECT_EQ(result.compression, codec.compression);
    }
}

TEST_P(AgentImageCompressed, RestartedDownloadResetsTheDecompressor) {
    LOOP_OR_SKIP(dev, 8 << 20);
    Codec codec = GetParam();
    std::vector<std::string> argv = codec.argv;
    argv.push_back(image_);
    ASSERT_EQ(ingot::run_process(argv).exit_code, 0);
    std::string packed = image_ + codec.ext;
    ImageHttpServer server(packed);
    server.ignore_range(true);
    server.cut(1, 100000);
    auto result = img::write_image(source(server, packed), dev->device(), options());
    expect_device_holds_image(dev->device());
    EXPECT_EQ(result.attempts, 2);
}

TEST_P(AgentImageCompressed, TruncatedStreamIsAnError) {
    LOOP_OR_SKIP(dev, 8 << 20);
    Codec codec = GetParam();
    std::vector<std::string> argv = codec.argv;
    argv.push_back(image_);
    ASSERT_EQ(ingot::run_process(argv).exit_code, 0);
    std::string packed = image_ + codec.ext;
    std::filesystem::resize_file(packed, std::filesystem::file_size(packed) - 64);
    ImageHttpServer server(packed);
    auto s = source(server, packed);
    s.compression = img::Compression::detect;
    EXPECT_THROW(img::write_image(s, dev->device(), options()), img::ImageFormatError);
}

TEST_P(AgentImageCompressed, DecompressedImageLargerThanDeviceIsRefused) {
    LOOP_OR_SKIP(dev, 2 << 20);
    Codec codec = GetParam();
    std::vector<std::string> argv = codec.argv;
    argv.push_back(image_);
    ASSERT_EQ(ingot::run_process(argv).exit_code, 0);
    std::string packed = image_ + codec.ext;
    ImageHttpServer server(packed);
    try {
        img::write_image(source(server, packed), dev->device(), options());
        FAIL() << "a 3 MiB image fit on a 2 MiB device";
    } catch (const img::ImageTooLarge& e) {
        EXPECT_NE(std::string(e.what()).find("holds 2097152 bytes"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(dev->device()), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(AgentCodecs, AgentImageCompressed,
                         ::testing::Values(Codec{"gzip", {"gzip", "-k", "-f"}, ".gz", img::Compression::gzip},
                                           Codec{"xz", {"xz", "-1", "-k", "-f", "-T1"}, ".xz", img::Compression::xz},
                                           Codec{"zstd", {"zstd", "-q", "-k", "-f"}, ".zst", img::Compression::zstd}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(AgentImageWrite, ChecksumMismatchFailsWithBothDigests) {
    LOOP_OR_SKIP(dev, 8 << 20);
    ImageHttpServer server(image_);
    auto s = source(server, image_);
    std::string actual = s.checksum.hex;
    s.checksum.hex = std::string(64, 'a');
    try {
        img::write_image(s, dev->device(), options());
        FAIL() << "a wrong checksum was accepted";
    } catch (const img::ChecksumMismatch& e) {
        EXPECT_EQ(std::string(e.what()), "checksum mismatch for " + server.url() + ": sha256 expected " +
                                             std::string(64, 'a') + " got " + actual);
    }
}

TEST_F(AgentImageWrite, TruncatedTransferResumesWithRange) {
    LOOP_OR_SKIP(dev, 8 << 20);
    ImageHttpServer server(image_);
    server.cut(2, 1 << 20);  // two answers stop after 1 MiB each
    auto result = img::write_image(source(server, image_), dev->device(), options());
    expect_device_holds_image(dev->device());
    EXPECT_EQ(result.attempts, 3);
    EXPECT_EQ(result.bytes_downloaded, kImageSize);
    auto ranges = server.ranges();
    ASSERT_EQ(ranges.size(), 3u);
    EXPECT_EQ(ranges[0], "");
    EXPECT_EQ(ranges[1], "bytes=1048576-");
    EXPECT_EQ(ranges[2], "bytes=2097152-");
}

TEST_F(AgentImageWrite, ServerIgnoringRangeRestartsFromZero) {
    LOOP_OR_SKIP(dev, 8 << 20);
    ImageHttpServer server(image_);
    server.ignore_range(true);
    server.cut(1, 1 << 20);
    auto result = img::write_image(source(server, image_), dev->device(), options());
    expect_device_holds_image(dev->device());
    EXPECT_EQ(result.attempts, 2);
    EXPECT_EQ(result.checksum, sha256_of(image_));
    EXPECT_EQ(server.ranges().at(1), "bytes=1048576-");
}

TEST_F(AgentImageWrite, ServerThatAlwaysCutsGivesUp) {
    LOOP_OR_SKIP(dev, 8 << 20);
    ImageHttpServer server(image_);
    server.ignore_range(true);
    server.cut(1000, 1 << 20);  // never gets past the first MiB
    auto o = options();
    o.download.max_attempts = 3;
    try {
        img::write_image(source(server, image_), dev->device(), o);
        FAIL() << "an endless truncation was accepted";
    } catch (const img::DownloadError& e) {
        EXPECT_NE(std::string(e.what()).find("3 times in a row without progress"), std::string::npos) << e.what();
    }
}

TEST_F(AgentImageWrite, ImageLargerThanDeviceIsRefusedBeforeWriting) {
    LOOP_OR_SKIP(dev, 2 << 20);
    ImageHttpServer server(image_);
    try {
        img::write_image(source(server, image_), dev->device(), options());
        FAIL() << "a 3 MiB image fit on a 2 MiB device";
    } catch (const img::ImageTooLarge& e) {
        EXPECT_EQ(std::string(e.what()), "image is " + std::to_string(kImageSize) + " bytes, device " + dev->device() +
                                             " holds 2097152 bytes");
    }
    EXPECT_EQ(read_bytes(dev->device(), 1 << 20), std::string(1 << 20, '\0')) << "the device was written to";
}

TEST_F(AgentImageWrite, MissingImageIsNotRetried) {
    LOOP_OR_SKIP(dev, 8 << 20);
    ImageHttpServer server(image_);
    auto s = source(server, image_);
    s.url = server.url("/missing");
    try {
        img::write_image(s, dev->device(), options());
        FAIL();
    } catch (const img::DownloadError& e) {
        EXPECT_EQ(std::string(e.what()), "GET " + s.url + " failed: HTTP 404");
    }
    EXPECT_EQ(server.ranges().size(), 1u);
}

TEST_F(AgentImageWrite, Qcow2IsConvertedOntoTheDevice) {
    LOOP_OR_SKIP(dev, 8 << 20);
    std::string qcow = dir_.path() + "/image.qcow2";
    auto r = ingot::run_process({"qemu-img", "convert", "-f", "raw", "-O", "qcow2", image_, qcow});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ImageHttpServer server(qcow);
    auto s = source(server, qcow);
    s.disk_format = img::DiskFormat::qcow2;
    auto result = img::write_image(s, dev->device(), options());
    expect_device_holds_image(dev->device());
    EXPECT_EQ(result.bytes_downloaded, std::filesystem::file_size(qcow));
    EXPECT_EQ(result.bytes_written, (kImageSize + 511) / 512 * 512);  // qcow2 sizes are whole sectors
    // The scratch file is gone.
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path()))
        EXPECT_EQ(entry.path().filename().string().rfind("ingot-image-", 0), std::string::npos) << entry.path();
}

TEST_F(AgentImageWrite, Qcow2LargerThanDeviceIsRefused) {
    LOOP_OR_SKIP(dev, 2 << 20);
    std::string qcow = dir_.path() + "/big.qcow2";
    auto r = ingot::run_process({"qemu-img", "create", "-f", "qcow2", qcow, "64M"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ImageHttpServer server(qcow);
    auto s = source(server, qcow);
    s.disk_format = img::DiskFormat::qcow2;
    try {
        img::write_image(s, dev->device(), options());
        FAIL();
    } catch (const img::ImageTooLarge& e) {
        EXPECT_EQ(std::string(e.what()),
                  "image is 67108864 bytes (qcow2 virtual size), device " + dev->device() + " holds 2097152 bytes");
    }
}

}  // namespace
