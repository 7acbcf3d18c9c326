// ramdisk-agent/service/auto_tls and conductor_tls: the agent's own key and
// certificate (a 0600 key in a 0700 directory, gone when the agent stops)
// and how it picks the CA it verifies the conductor with.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "common/x509.h"
#include "ramdisk-agent/service/auto_tls.h"
#include "ramdisk-agent/service/conductor_tls.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using namespace ingot::agent::service;
namespace fs = std::filesystem;

namespace {

fs::perms mode_of(const std::string& path) {
    return fs::status(path).permissions() & fs::perms::all;
}

TEST(AgentAutoTls, KeyAndCertificateForTheAdvertisedAddress) {
    test::TempDir dir;
    const std::string tls_dir = dir.path() + "/tls";
    {
        AutoTls tls("[fd00::15]", tls_dir);  // as the callback URL writes it
        EXPECT_EQ(mode_of(tls_dir), fs::perms::owner_all);
        EXPECT_EQ(mode_of(tls.key_file()), fs::perms::owner_read | fs::perms::owner_write);
        EXPECT_EQ(x509::inspect_pem(tls.certificate_pem()).names, std::vector<std::string>{"fd00::15"});
        std::ifstream cert(tls.cert_file());
        EXPECT_EQ(std::string(std::istreambuf_iterator<char>(cert), {}), tls.certificate_pem());
    }
    EXPECT_FALSE(fs::exists(tls_dir + "/key.pem")) << "the key outlived the agent";
    EXPECT_FALSE(fs::exists(tls_dir)) << "a directory the agent made stays behind";

    std::string own;
    {
        AutoTls tls("10.0.2.15");  // a fresh directory of its own
        own = fs::path(tls.key_file()).parent_path().string();
        EXPECT_EQ(mode_of(own), fs::perms::owner_all);
    }
    EXPECT_FALSE(fs::exists(own));
}

TEST(AgentConductorTls, TheCaComesFromTheOptionTheCommandLineOrTheRamdisk) {
    test::TempDir dir;
    const std::string ca = dir.path() + "/ca.pem", fixed = dir.path() + "/fixed.pem";
    std::ofstream(ca) << x509::make_self_signed("ca").certificate_pem;
    std::ofstream(fixed) << x509::make_self_signed("fixed").certificate_pem;
    auto cmdline = [&](const std::string& text) {
        std::ofstream(dir.path() + "/cmdline") << text << "\n";
        return dir.path() + "/cmdline";
    };
    TlsVerification t = conductor_tls(ca, cmdline("ipa-api-ca=" + fixed), fixed);
    EXPECT_TRUE(t.verify);
    EXPECT_EQ(t.ca_path, ca) << "--api-ca first";
    EXPECT_EQ(conductor_tls("", cmdline("quiet ipa-api-ca=" + ca), fixed).ca_path, ca);
    EXPECT_EQ(conductor_tls("", cmdline("quiet"), fixed).ca_path, fixed) << "the second initrd's";
    t = conductor_tls("", cmdline("quiet"), dir.path() + "/none.pem");
    EXPECT_TRUE(t.verify) << "no CA handed over: the system's, never none";
    EXPECT_EQ(t.ca_path, "");
    EXPECT_THROW(conductor_tls("", cmdline("ipa-api-ca=/no/such.pem"), fixed), Error);
    EXPECT_FALSE(conductor_tls(ca, cmdline("ipa-insecure=1"), fixed).verify) << "only when asked for";
    EXPECT_TRUE(conductor_tls("", cmdline("ipa-insecure=0"), fixed).verify);
}

}  // namespace
