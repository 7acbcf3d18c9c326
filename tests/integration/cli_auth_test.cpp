// The `ingot` CLI against a conductor that wants credentials over HTTPS:
// user and password from the environment, the CA from --cacert, and one
// clear error line for a wrong password or an untrusted certificate.
#include <gtest/gtest.h>

#include "tests/support/cli_fixture.h"
#include "tests/support/htpasswd_file.h"

namespace ingot::test {
namespace {

class CliAuth : public ::testing::Test {
protected:
    void SetUp() override {
        key_ = dir_.path() + "/key.pem";
        cert_ = dir_.path() + "/cert.pem";
        auto made = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                         "-nodes", "-keyout", key_, "-out", cert_, "-days", "1", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1"});
        ASSERT_EQ(made.exit_code, 0) << made.err;
        write_htpasswd(dir_.path() + "/htpasswd", {{"operator", "correct horse"}});
        conductor_ = std::make_unique<ConductorProcess>(
            "[DEFAULT]\nauth_strategy = http_basic\nhttp_basic_auth_user_file = " + dir_.path() +
            "/htpasswd\n[api]\ntls_cert_file = " + cert_ + "\ntls_key_file = " + key_ + "\n");
        url_ = "https://127.0.0.1:" + std::to_string(conductor_->port());
    }

    RunResult ingot(const std::vector<std::string>& args, const std::string& password) {
        std::vector<std::string> argv = {ingot_bin(), "--url", url_};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv, {{"INGOT_USERNAME", "operator"}, {"INGOT_PASSWORD", password}});
    }

    TempDir dir_;
    std::string key_, cert_, url_;
    std::unique_ptr<ConductorProcess> conductor_;
};

TEST_F(CliAuth, CredentialsFromTheEnvironmentAndTheCaFromCacert) {
    auto created = ingot({"--cacert", cert_, "node", "create", "--driver", "fake-hardware", "--name", "n1"},
                         "correct horse");
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auto listed = ingot({"--cacert", cert_, "node", "list", "-f", "value"}, "correct horse");
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.out.find("n1"), std::string::npos);
    EXPECT_EQ(listed.out.find("correct horse"), std::string::npos);
}

TEST_F(CliAuth, WrongPasswordAndUntrustedCertificateAreOneClearLine) {
    auto refused = ingot({"--cacert", cert_, "node", "list"}, "battery staple");
    EXPECT_NE(refused.exit_code, 0);
    expect_one_error_line(refused, "Incorrect username or password");
    EXPECT_EQ(refused.err.find("battery staple"), std::string::npos);
    auto untrusted = ingot({"node", "list"}, "correct horse");
    EXPECT_NE(untrusted.exit_code, 0);
    expect_one_error_line(untrusted, "TLS");
}

}  // namespace
}  // namespace ingot::test
