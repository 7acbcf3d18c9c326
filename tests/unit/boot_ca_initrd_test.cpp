// boot/ca_initrd: the second initrd that hands the API's CA to a ramdisk.
// Unpacked here with gzip and GNU cpio (the kernel's initramfs format), the
// archive gives the CA at etc/ingot/api-ca.pem and nothing else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "boot/ca_initrd.h"
#include "common/errors.h"
#include "common/process.h"
#include "common/x509.h"
#include "tests/support/ca_initrd_reader.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
namespace fs = std::filesystem;

namespace {

TEST(CaInitrd, UnpacksToTheCaAtItsFixedPath) {
    test::TempDir dir;
    const std::string ca = x509::make_self_signed("ca.example").certificate_pem;
    const std::string archive = boot::ca_initrd(ca);
    EXPECT_EQ(archive, boot::ca_initrd(ca)) << "the same CA makes the same bytes";
    // gzip: the kernel unpacks it wherever the loader put it (no alignment).
    ASSERT_GE(archive.size(), 2u);
    EXPECT_EQ(archive.substr(0, 2), "\x1f\x8b");
    ProcessOptions gunzip;
    gunzip.stdin_data = archive;
    const auto cpio = run_process({"gzip", "-dc"}, gunzip);
    ASSERT_EQ(cpio.exit_code, 0) << cpio.err;
    EXPECT_EQ(cpio.out.size() % 4, 0u) << "the kernel expects a 4-byte aligned archive inside";
    ProcessOptions archive_in;
    archive_in.stdin_data = cpio.out;
    auto listed = run_process({"cpio", "-it", "--quiet"}, archive_in);
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_EQ(listed.out, "etc\netc/ingot\netc/ingot/api-ca.pem\n");
    EXPECT_EQ(test::ca_in_initrd(archive, dir.path() + "/root"), ca);
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
