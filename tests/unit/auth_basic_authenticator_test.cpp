// http_basic: an htpasswd file of bcrypt hashes, checked with libxcrypt.
#include "conductor/auth/basic_authenticator.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/errors.h"
#include "conductor/auth/credential_cache.h"
#include "conductor/auth/htpasswd.h"
#include "tests/support/htpasswd_file.h"

namespace ingot::conductor::auth {
namespace {

namespace fs = std::filesystem;

// What `htpasswd -B -C 4` writes, at the lowest cost so tests stay fast.
std::string bcrypt(const std::string& password, const char* prefix = "$2y$") {
    return test::bcrypt_hash(password, prefix);
}

std::string basic(const std::string& user_password) {
    std::string out(4 * ((user_password.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(user_password.data()),
                            static_cast<int>(user_password.size()));
    out.resize(n);
    return "Basic " + out;
}

class HtpasswdTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ingot-htpasswd-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        path_ = (dir_ / "htpasswd").string();
    }
    void TearDown() override { fs::remove_all(dir_); }
    void write(const std::string& text) {
        std::ofstream(path_) << text;
        // A later rewrite must look changed even within one mtime tick.
        fs::last_write_time(path_, fs::last_write_time(path_) + std::chrono::seconds(++generation_));
    }
    http::Request request(const std::string& authorization) {
        http::Request r;
        r.headers["authorization"] = authorization;
        return r;
    }

    fs::path dir_;
    std::string path_;
    int generation_ = 0;
};

TEST_F(HtpasswdTest, ChecksBcryptEntriesAndNothingElse) {
    write("admin:" + bcrypt("s3cret") + "\n\nops:" + bcrypt("hunter2", "$2b$") + "\n");
    HtpasswdFile file(path_);
    EXPECT_TRUE(file.check("admin", "s3cret"));
    EXPECT_TRUE(file.check("ops", "hunter2"));
    EXPECT_FALSE(file.check("admin", "hunter2"));
    EXPECT_FALSE(file.check("admin", ""));
    EXPECT_FALSE(file.check("nobody", "s3cret"));
}

TEST_F(HtpasswdTest, RefusesWeakOrMalformedFilesNamingTheLine) {
    for (const std::string& bad :
         {std::string("admin:$apr1$abc$defghijklmnopqrstuvw12\n"),  // htpasswd -m (MD5)
          std::string("admin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n"), std::string("admin:plain\n"),
          std::string("no-colon\n"), "a:" + bcrypt("x") + "\na:" + bcrypt("y") + "\n"}) {
        write(bad);
        try {
            HtpasswdFile file(path_);
            FAIL() << "accepted: " << bad;
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find(path_ + ", line "), std::string::npos) << e.what();
        }
    }
    fs::remove(path_);
    EXPECT_THROW(HtpasswdFile{path_}, ConfigError);
}

TEST_F(HtpasswdTest, ReloadsWhenTheFileChangesAndKeepsTheLastGoodOne) {
    write("admin:" + bcrypt("one") + "\n");
    HtpasswdFile file(path_);
    EXPECT_TRUE(file.check("admin", "one"));
    write("admin:" + bcrypt("two") + "\n");
    EXPECT_FALSE(file.check("admin", "one"));
    EXPECT_TRUE(file.check("admin", "two"));
    write("admin:not-a-hash\n");  // broken edit: the previous users stay
    EXPECT_TRUE(file.check("admin", "two"));
}

TEST_F(HtpasswdTest, AuthenticatorRefusesMissingAndWrongCredentials) {
    write("admin:" + bcrypt("s3cret") + "\n");
    BasicAuthenticator auth(path_, std::chrono::seconds(60));
    EXPECT_EQ(auth.challenge(), "Basic realm=\"Baremetal API\"");
    EXPECT_THROW(auth.lookup(http::Request{}), Unauthorized);
    EXPECT_THROW(auth.lookup(request("Bearer abc")), Unauthorized);
    EXPECT_THROW(auth.lookup(request("Basic !!notbase64")), Unauthorized);
    EXPECT_THROW(auth.verify(request(basic("admin:wrong"))), Unauthorized);
    EXPECT_THROW(auth.verify(request(basic("adminwithoutcolon"))), Unauthorized);
    try {
        auth.verify(request(basic("admin:wrong")));
    } catch (const Unauthorized& e) {
        EXPECT_EQ(std::string(e.what()).find("wrong"), std::string::npos) << "never echo a password";
    }
}

TEST_F(HtpasswdTest, GoodCredentialsAreRememberedNotRecomputed) {
    write("admin:" + bcrypt("s3cret") + "\n");
    BasicAuthenticator auth(path_, std::chrono::seconds(60));
    auto good = request(basic("admin:s3cret"));
    EXPECT_FALSE(auth.lookup(good)) << "unknown before the first check";
    http::Caller caller = auth.verify(good);
    EXPECT_EQ(caller.user_name, "admin");
    EXPECT_TRUE(caller.system_scope);
    EXPECT_TRUE(caller.has_role("admin"));
    auto cached = auth.lookup(good);
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->user_name, "admin");
    EXPECT_FALSE(auth.lookup(request(basic("admin:other")))) << "another password is not the remembered one";
}

TEST(CredentialCache, ForgetsAfterTheTtlOrTheGivenExpiry) {
    http::Caller c;
    c.user_name = "u";
    CredentialCache cache(std::chrono::seconds(60), 10);
    cache.remember("token-a", c);
    ASSERT_TRUE(cache.find("token-a"));
    EXPECT_FALSE(cache.find("token-b"));
    cache.remember("token-b", c, CredentialCache::Clock::now() + std::chrono::milliseconds(50));
    EXPECT_TRUE(cache.find("token-b"));
    std::this_thread::sleep_for(std::chrono::milliseconds(80));
    EXPECT_FALSE(cache.find("token-b")) << "a token's own expiry caps the cache";
    EXPECT_TRUE(cache.find("token-a"));

    CredentialCache off(std::chrono::seconds(0), 10);
    off.remember("token-a", c);
    EXPECT_FALSE(off.find("token-a"));
}

TEST(CredentialCache, StaysWithinItsCapacity) {
    CredentialCache cache(std::chrono::seconds(60), 3);
    http::Caller c;
    for (int i = 0; i < 100; ++i) cache.remember("token-" + std::to_string(i), c);
    EXPECT_LE(cache.size(), 3u);
    EXPECT_TRUE(cache.find("token-99"));
    EXPECT_FALSE(cache.find("token-0"));
}

}  // namespace
}  // namespace ingot::conductor::auth
