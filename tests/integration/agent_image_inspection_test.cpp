// The agent's image inspection against real loop devices, a loopback HTTP
// server and images made by the real qemu-img: a qcow2 whose backing file
// or external data file names a file of the machine (qemu-img convert
// would copy it onto the disk: the test shows it does, without Ingot), a
// qcow2 or vmdk that says it is raw, and the same gzip-compressed. Each is
// refused before a byte reaches the device.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/process.h"
#include "ramdisk-agent/image/errors.h"
#include "ramdisk-agent/image/format_inspector.h"
#include "ramdisk-agent/image/write_image.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

namespace img = ingot::agent::image;
using ingot::test::ImageHttpServer;
using ingot::test::LoopDevice;
using ingot::test::read_bytes;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kDisk = 16 << 20;
const std::string kMarker = "THE-MACHINES-SECRET-";

class AgentImageInspection : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"qemu-img", "losetup", "gzip", "sha256sum"})
            if (!ingot::test::have_tool(tool)) GTEST_SKIP() << tool << " is missing";
        dev_ = std::make_unique<LoopDevice>(kDisk);
        if (dev_->device().empty()) GTEST_SKIP() << "the kernel refused a loop device: " << dev_->error();
        // A file of the converting machine the images will point at.
        std::string secret;
        while (secret.size() < (1 << 20)) secret += kMarker;
        std::ofstream(path("secret.raw"), std::ios::binary) << secret;
    }

    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

    std::string run(std::vector<std::string> argv) {
        auto r = ingot::run_process(argv);
        EXPECT_EQ(r.exit_code, 0) << argv[0] << " " << argv[1] << ": " << r.err;
        return r.out;
    }

    // write_image of `file` served over HTTP, declared `format`.
    void write(const std::string& file, img::DiskFormat format, const img::ImagePolicy& policy = {}) {
        ImageHttpServer server(file);
        img::ImageSource s;
        s.url = server.url("/" + fs::path(file).filename().string());
        s.checksum = {img::HashAlgo::sha256, run({"sha256sum", file}).substr(0, 64)};
        s.disk_format = format;
        img::WriteOptions o;
        o.scratch_dir = dir_.path();
        o.policy = policy;
        img::write_image(s, dev_->device(), o);
    }

    // The refusal's message; the device must still be all zeroes.
    std::string refusal(const std::string& file, img::DiskFormat format) {
        std::string why;
        try {
            write(file, format);
        } catch (const img::UnsafeImage& e) {
            why = e.what();
        }
        EXPECT_EQ(read_bytes(dev_->device(), kDisk), std::string(kDisk, '\0')) << "written despite: " << why;
        return why;
    }

    ingot::test::TempDir dir_;
    std::unique_ptr<LoopDevice> dev_;
};

TEST_F(AgentImageInspection, AQcow2WithABackingFileIsRefusedBeforeQemuImgReadsIt) {
    run({"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", path("secret.raw"), path("backed.qcow2"), "8M"});
    // Without the inspection this is what the disk would get.
    run({"qemu-img", "convert", "-f", "qcow2", "-O", "raw", path("backed.qcow2"), path("leak.raw")});
    ASSERT_NE(read_bytes(path("leak.raw"), 4096).find(kMarker), std::string::npos) << "the attack does not work";

    const std::string why = refusal(path("backed.qcow2"), img::DiskFormat::qcow2);
    EXPECT_NE(why.find("has a backing file (" + path("secret.raw") + ")"), std::string::npos) << why;
    // The same file pointing at the host's shadow file.
    run({"qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b", "/etc/shadow", "-u", path("shadow.qcow2"),
         "8M"});
    EXPECT_NE(refusal(path("shadow.qcow2"), img::DiskFormat::qcow2).find("backing file (/etc/shadow)"),
              std::string::npos);
}

TEST_F(AgentImageInspection, AQcow2WithAnExternalDataFileIsRefused) {
    // qemu-img create makes (truncates) the data file; the secret is put
    // there afterwards (data_file_raw: the file's bytes are the disk's).
    run({"qemu-img", "create", "-q", "-f", "qcow2", "-o", "data_file=" + path("data.raw") + ",data_file_raw=on",
         path("datafile.qcow2"), "1M"});
    fs::copy_file(path("secret.raw"), path("data.raw"), fs::copy_options::overwrite_existing);
    run({"qemu-img", "convert", "-f", "qcow2", "-O", "raw", path("datafile.qcow2"), path("leak.raw")});
    ASSERT_NE(read_bytes(path("leak.raw"), 4096).find(kMarker), std::string::npos) << "the attack does not work";

    const std::string why = refusal(path("datafile.qcow2"), img::DiskFormat::qcow2);
    EXPECT_NE(why.find("external data file"), std::string::npos) << why;
}

TEST_F(AgentImageInspection, AContainerThatSaysItIsRawIsNotWrittenAsRaw) {
    run({"qemu-img", "create", "-q", "-f", "qcow2", path("disguised.qcow2"), "8M"});
    run({"qemu-img", "create", "-q", "-f", "vmdk", path("disguised.vmdk"), "8M"});
    run({"qemu-img", "create", "-q", "-f", "vpc", path("disguised.vhd"), "8M"});
    EXPECT_NE(refusal(path("disguised.qcow2"), img::DiskFormat::raw)
                  .find("its disk_format is raw but its content is "
                        "qcow2"),
              std::string::npos);
    // vmdk and vhd are not even permitted formats.
    for (const char* name : {"disguised.vmdk", "disguised.vhd"}) {
        const std::string why = refusal(path(name), img::DiskFormat::raw);
        EXPECT_NE(why.find("which is not among the permitted image formats"), std::string::npos) << name << ": " << why;
    }
    // Compressed, it is inspected once decompressed.
    run({"gzip", "-k", path("disguised.qcow2")});
    EXPECT_NE(refusal(path("disguised.qcow2.gz"), img::DiskFormat::raw).find("content is qcow2"), std::string::npos);
}

TEST_F(AgentImageInspection, RawImagesAndPlainQcow2AreWrittenAsBefore) {
    // A small raw image (shorter than what is inspected) and a larger one.
    std::ofstream(path("tiny.raw"), std::ios::binary) << "a tiny raw image";
    write(path("tiny.raw"), img::DiskFormat::raw);
    EXPECT_EQ(read_bytes(dev_->device(), 16), "a tiny raw image");
    ingot::test::write_test_image(path("disk.raw"), 3 << 20);
    write(path("disk.raw"), img::DiskFormat::raw);
    EXPECT_EQ(read_bytes(dev_->device(), 3 << 20), read_bytes(path("disk.raw"), 3 << 20));
    run({"qemu-img", "convert", "-f", "raw", "-O", "qcow2", path("disk.raw"), path("disk.qcow2")});
    write(path("disk.qcow2"), img::DiskFormat::qcow2);
    EXPECT_EQ(read_bytes(dev_->device(), 3 << 20), read_bytes(path("disk.raw"), 3 << 20));
    // With inspection off, a container declared raw is written byte for byte.
    img::ImagePolicy off;
    off.inspect = false;
    write(path("disk.qcow2"), img::DiskFormat::raw, off);
    EXPECT_EQ(read_bytes(dev_->device(), 4), "QFI\xfb");
}

}  // namespace
