// boot/ca_initrd: the second initrd that hands the API's CA to a ramdisk.
// Unpacked here with GNU cpio (what the kernel's initramfs format is), the
// archive gives the CA at etc/ingot/api-ca.pem and nothing else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "boot/ca_initrd.h"
#include "common/errors.h"
#include "common/process.h"
#include "common/x509.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(CaInitrd, UnpacksToTheCaAtItsFixedPath) {
    test::TempDir dir;
    const std::string ca = x509::make_self_signed("ca.example").certificate_pem;
    const std::string archive = boot::ca_initrd(ca);
    EXPECT_EQ(archive.size() % 4, 0u) << "boot loaders and the kernel expect 4-byte alignment";
    EXPECT_EQ(archive, boot::ca_initrd(ca)) << "the same CA makes the same bytes";
    std::ofstream(dir.path() + "/ca.cpio", std::ios::binary) << archive;

    auto listed = run_process({"sh", "-c", "cpio -it --quiet < '" + dir.path() + "/ca.cpio'"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_EQ(listed.out, "etc\netc/ingot\netc/ingot/api-ca.pem\n");
    fs::create_directories(dir.path() + "/root");
    auto r = run_process({"sh", "-c", "cd '" + dir.path() + "/root' && cpio -idm --quiet < ../ca.cpio"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file(dir.path() + "/root" + boot::kApiCaInRamdisk), ca);
    EXPECT_EQ(fs::status(dir.path() + "/root/etc/ingot/api-ca.pem").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
}

TEST(CaInitrd, AFileThatIsNoCertificateIsNamed) {
    test::TempDir dir;
    std::ofstream(dir.path() + "/not-a-ca.pem") << "hello\n";
    try {
        boot::ca_initrd_of_file(dir.path() + "/not-a-ca.pem");
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("[agent] api_ca_file " + dir.path() + "/not-a-ca.pem holds no usable CA"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(boot::ca_initrd_of_file(dir.path() + "/missing.pem"), Error);
}

}  // namespace
