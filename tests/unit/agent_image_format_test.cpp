// The agent's image format inspector on files made by the real qemu-img
// (qcow2 with a backing file, with an external data file, vmdk, vhd...) and
// on crafted headers for what qemu-img will not make (unknown feature bits,
// a data file extension without its bit).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/process.h"
#include "ramdisk-agent/image/format_inspector.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"

namespace img = ingot::agent::image;
using img::UnsafeImage;
namespace fs = std::filesystem;

namespace {

std::string read_head(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string head(img::kInspectBytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    return head;
}

void put_be(std::string& b, size_t offset, uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, value >>= 8)
        b[offset + static_cast<size_t>(i)] = static_cast<char>(value & 0xff);
}

class AgentImageFormat : public ::testing::Test {
protected:
    void SetUp() override {
        if (!ingot::test::have_tool("qemu-img")) GTEST_SKIP() << "qemu-img is missing";
    }
    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
    // qemu-img create ARGS... FILE SIZE; the file's path.
    std::string create(const std::string& name, std::vector<std::string> args, const std::string& size = "64M") {
        std::vector<std::string> argv{"qemu-img", "create", "-q"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.push_back(path(name));
        if (!size.empty()) argv.push_back(size);
        auto r = ingot::run_process(argv);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return path(name);
    }
    std::string why_unsafe(const std::string& file) {
        try {
            img::inspect_qcow2(file, "test.qcow2");
            return "";
        } catch (const UnsafeImage& e) {
            return e.what();
        }
    }
    // A minimal version 3 qcow2 header (one 64 KiB cluster) to tamper with.
    static std::string crafted_v3() {
        std::string b(65536, '\0');
        b.replace(0, 4, "QFI\xfb");
        put_be(b, 4, 3, 4);
        put_be(b, 20, 16, 4);       // cluster_bits
        put_be(b, 24, 1 << 20, 8);  // virtual size
        put_be(b, 96, 4, 4);        // refcount_order
        put_be(b, 100, 104, 4);     // header_length
        return b;
    }
    ingot::test::TempDir dir_;
};

TEST_F(AgentImageFormat, DetectsEachFormatFromItsFirstBytes) {
    EXPECT_EQ(img::detect_format(read_head(create("a.qcow2", {"-f", "qcow2"}))), "qcow2");
    EXPECT_EQ(img::detect_format(read_head(create("a.qcow2v2", {"-f", "qcow2", "-o", "compat=0.10"}))), "qcow2");
    EXPECT_EQ(img::detect_format(read_head(create("a.qcow", {"-f", "qcow"}))), "qcow");
    EXPECT_EQ(img::detect_format(read_head(create("a.qed", {"-f", "qed"}))), "qed");
    EXPECT_EQ(img::detect_format(read_head(create("a.vmdk", {"-f", "vmdk"}))), "vmdk");
    EXPECT_EQ(img::detect_format(read_head(create("a.vhd", {"-f", "vpc"}))), "vhd");
    EXPECT_EQ(img::detect_format(read_head(create("a.vhdx", {"-f", "vhdx"}))), "vhdx");
    EXPECT_EQ(img::detect_format(read_head(create("a.vdi", {"-f", "vdi"}))), "vdi");
    // A vmdk descriptor alone (it names its extents: other files).
    EXPECT_EQ(img::detect_format("# Disk DescriptorFile\nversion=1\nRW 8 FLAT \"/etc/shadow\" 0\n"), "vmdk");
    EXPECT_EQ(img::detect_format(std::string("LUKS\xba\xbe", 6) + std::string(100, '\0')), "luks");

    std::string disk(img::kInspectBytes, '\0');
    EXPECT_EQ(img::detect_format(disk), "raw");
    disk[510] = '\x55';
    disk[511] = '\xaa';
    EXPECT_EQ(img::detect_format(disk), "mbr");
    disk.replace(512, 8, "EFI PART");
    EXPECT_EQ(img::detect_format(disk), "gpt");
    disk.replace(0x8001, 5, "CD001");
    EXPECT_EQ(img::detect_format(disk), "iso");  // a hybrid ISO is an ISO
    EXPECT_EQ(img::detect_format(""), "raw");
}

TEST_F(AgentImageFormat, APlainQcow2PassesWithItsVirtualSize) {
    for (const char* compat : {"compat=0.10", "compat=1.1"}) {
        const auto h = img::inspect_qcow2(create("plain.qcow2", {"-f", "qcow2", "-o", compat}, "96M"));
        EXPECT_EQ(h.virtual_size, 96ull << 20) << compat;
        EXPECT_EQ(h.version, std::string(compat) == "compat=0.10" ? 2u : 3u);
    }
}

TEST_F(AgentImageFormat, ABackingFileIsRefusedNamingIt) {
    std::ofstream(path("secret")) << "not for the image";
    const std::string file = create("backed.qcow2", {"-f", "qcow2", "-F", "raw", "-b", path("secret")}, "1M");
    const std::string why = why_unsafe(file);
    EXPECT_NE(why.find("has a backing file (" + path("secret") + ")"), std::string::npos) << why;
    EXPECT_NE(why.find("test.qcow2"), std::string::npos) << why;
}

TEST_F(AgentImageFormat, AnExternalDataFileIsRefused) {
    const std::string file = create("datafile.qcow2", {"-f", "qcow2", "-o", "data_file=" + path("data.raw")}, "1M");
    const std::string why = why_unsafe(file);
    EXPECT_NE(why.find("external data file"), std::string::npos) << why;
    // The extension alone, without its feature bit, is refused as well.
    std::string b = crafted_v3();
    put_be(b, 104, 0x44415441, 4);
    put_be(b, 108, 11, 4);
    b.replace(112, 11, "/etc/shadow");
    const std::string ext_why = [&] {
        try {
            img::inspect_qcow2_header(b, "crafted");
            return std::string();
        } catch (const UnsafeImage& e) {
            return std::string(e.what());
        }
    }();
    EXPECT_NE(ext_why.find("names an external data file (/etc/shadow)"), std::string::npos) << ext_why;
}

TEST_F(AgentImageFormat, UnknownFeaturesEncryptionAndBrokenHeadersAreRefused) {
    EXPECT_NO_THROW(img::inspect_qcow2_header(crafted_v3(), "crafted"));
    std::string b = crafted_v3();
    put_be(b, 72, 1ull << 1, 8);  // corrupt
    EXPECT_THROW(img::inspect_qcow2_header(b, "crafted"), UnsafeImage);
    b = crafted_v3();
    put_be(b, 72, 1ull << 40, 8);  // unknown
    EXPECT_THROW(img::inspect_qcow2_header(b, "crafted"), UnsafeImage);
    b = crafted_v3();
    put_be(b, 88, 1ull << 1, 8);  // raw external data
    EXPECT_THROW(img::inspect_qcow2_header(b, "crafted"), UnsafeImage);
    b = crafted_v3();
    put_be(b, 32, 1, 4);  // AES
    EXPECT_THROW(img::inspect_qcow2_header(b, "crafted"), UnsafeImage);
    b = crafted_v3();
    put_be(b, 4, 4, 4);  // version 4
    EXPECT_THROW(img::inspect_qcow2_header(b, "crafted"), UnsafeImage);
    b = crafted_v3();
    put_be(b, 20, 30, 4);  // 1 GiB clusters
    EXPECT_THROW(img::inspect_qcow2_header(b, "crafted"), img::ImageFormatError);
    b = crafted_v3();
    put_be(b, 104, 0x12345678, 4);  // an extension that runs off the cluster
    put_be(b, 108, 1 << 20, 4);
    EXPECT_THROW(img::inspect_qcow2_header(b, "crafted"), img::ImageFormatError);
    EXPECT_THROW(img::inspect_qcow2_header(b.substr(0, 50), "crafted"), img::ImageFormatError);
    EXPECT_THROW(img::inspect_qcow2_header(std::string(200, 'x'), "crafted"), img::ImageFormatError);
}

TEST_F(AgentImageFormat, TheContentMustMatchTheDiskFormatUnlessInspectionIsOff) {
    img::ImagePolicy policy;
    EXPECT_NO_THROW(img::check_format("raw", "raw", policy, "i"));
    EXPECT_NO_THROW(img::check_format("raw", "gpt", policy, "i"));
    EXPECT_NO_THROW(img::check_format("raw", "mbr", policy, "i"));
    EXPECT_NO_THROW(img::check_format("raw", "iso", policy, "i"));
    EXPECT_NO_THROW(img::check_format("qcow2", "qcow2", policy, "i"));
    for (const char* hidden : {"qcow2", "vmdk", "vhd", "vhdx", "vdi", "qed", "luks"}) {
        try {
            img::check_format("raw", hidden, policy, "http://x/i.raw");
            FAIL() << hidden << " passed as raw";
        } catch (const UnsafeImage& e) {
            EXPECT_NE(std::string(e.what()).find("http://x/i.raw"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(img::check_format("qcow2", "raw", policy, "i"), UnsafeImage);
    policy.permitted_formats = {"raw", "qcow2"};
    EXPECT_THROW(img::check_format("raw", "iso", policy, "i"), UnsafeImage);
    policy = {};
    policy.inspect = false;
    EXPECT_NO_THROW(img::check_format("raw", "qcow2", policy, "i"));
}

}  // namespace
