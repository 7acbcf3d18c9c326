// open_file_source on real files, symlinks and FIFOs in a temporary
// directory: only public regular files under an allowed directory open,
// whatever the path says on the way there; /etc and friends never do.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "common/file_source.h"
#include "tests/support/conductor_process.h"

using ingot::FileSourcePolicy;
using ingot::FileSourceRefused;
using ingot::open_file_source;
namespace fs = std::filesystem;

namespace {

class FileSource : public ::testing::Test {
protected:
    void SetUp() override {
        fs::create_directories(allowed());
        fs::create_directories(outside());
        write(allowed() + "/kernel", "kernel bytes");
        write(outside() + "/secret", "secret bytes");
        policy_.allowed_paths = {allowed()};
    }

    static void write(const std::string& path, const std::string& text, mode_t mode = 0644) {
        std::ofstream(path, std::ios::trunc) << text;
        ::chmod(path.c_str(), mode);
    }
    std::string allowed() const { return dir_.path() + "/images"; }
    std::string outside() const { return dir_.path() + "/elsewhere"; }

    // The refusal's message, or "" when the path opened.
    std::string refusal(const std::string& path) {
        try {
            open_file_source(path, policy_);
            return "";
        } catch (const FileSourceRefused& e) {
            return e.what();
        }
    }

    std::string read_all(int fd) {
        std::string out;
        char buf[256];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
        return out;
    }

    ingot::test::TempDir dir_;
    FileSourcePolicy policy_;
};

TEST_F(FileSource, APublicFileUnderAnAllowedDirectoryOpens) {
    auto opened = open_file_source(allowed() + "/kernel", policy_);
    EXPECT_EQ(read_all(opened.fd()), "kernel bytes");
    EXPECT_EQ(opened.path(), fs::canonical(allowed() + "/kernel").string());
    EXPECT_EQ(opened.status().st_size, 12);
    // Through an allowed directory that is itself a symlink, too.
    fs::create_directory_symlink(allowed(), dir_.path() + "/link-to-images");
    policy_.allowed_paths = {dir_.path() + "/link-to-images"};
    EXPECT_EQ(refusal(allowed() + "/kernel"), "");
}

TEST_F(FileSource, TheHostsFilesAreRefusedWhateverIsAllowed) {
    policy_.allowed_paths = {"/"};
    for (const std::string path : {"/etc/shadow", "/etc/passwd", "/proc/self/environ", "/dev/zero", "/sys/kernel/notes",
                                   "/root/.bashrc", "/boot/anything"}) {
        const std::string why = refusal(path);
        EXPECT_NE(why.find(path), std::string::npos) << why;
        EXPECT_NE(why.find("from where no file is ever served"), std::string::npos) << why;
    }
    // The same by way of ".." and of a symlink from an allowed directory.
    EXPECT_NE(refusal(allowed() + "/../../../../../../etc/passwd").find("lies under /etc"), std::string::npos);
    fs::create_symlink("/etc/passwd", allowed() + "/passwd");
    policy_.allowed_paths = {allowed()};
    const std::string why = refusal(allowed() + "/passwd");
    EXPECT_NE(why.find("it resolves to /etc/passwd, which lies under /etc"), std::string::npos) << why;
}

TEST_F(FileSource, OutsideTheAllowedDirectoriesIsRefusedNamingTheOption) {
    const std::string why = refusal(outside() + "/secret");
    EXPECT_NE(why.find(outside() + "/secret"), std::string::npos) << why;
    EXPECT_NE(why.find("[conductor] file_url_allowed_paths allows (" + allowed() + ")"), std::string::npos) << why;
    // A name that only starts like the allowed directory is not under it.
    fs::create_directories(allowed() + "2");
    write(allowed() + "2/kernel", "k");
    EXPECT_NE(refusal(allowed() + "2/kernel"), "");
    // Escapes by ".." and by a symlink out of the allowed directory.
    EXPECT_NE(refusal(allowed() + "/../elsewhere/secret"), "");
    fs::create_symlink(outside() + "/secret", allowed() + "/innocent");
    EXPECT_NE(refusal(allowed() + "/innocent").find("it resolves to " + outside() + "/secret"), std::string::npos);
    fs::create_directory_symlink(outside(), allowed() + "/subdir");
    EXPECT_NE(refusal(allowed() + "/subdir/secret"), "");
    // Nothing is allowed when nothing is listed.
    policy_.allowed_paths.clear();
    EXPECT_NE(refusal(allowed() + "/kernel").find("allows (none)"), std::string::npos);
}

TEST_F(FileSource, OnlyPublicRegularFilesOpen) {
    write(allowed() + "/private", "a key", 0600);
    EXPECT_NE(refusal(allowed() + "/private").find("not readable by everyone (mode 0600)"), std::string::npos);
    ASSERT_EQ(::mkfifo((allowed() + "/fifo").c_str(), 0644), 0);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_NE(refusal(allowed() + "/fifo").find("FIFO"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2)) << "a FIFO held the open";
    EXPECT_NE(refusal(allowed()).find("directory"), std::string::npos);
    EXPECT_NE(refusal(allowed() + "/missing").find("cannot be resolved"), std::string::npos);
    EXPECT_NE(refusal("images/kernel").find("not an absolute path"), std::string::npos);
    EXPECT_NE(refusal(allowed() + "/ker\nnel").find("control characters"), std::string::npos);
}

TEST_F(FileSource, HrefsNameLocalFilesOnThisHostOnly) {
    EXPECT_EQ(ingot::local_file_path("file:///srv/k"), "/srv/k");
    EXPECT_EQ(ingot::local_file_path("file://localhost/srv/k"), "/srv/k");
    EXPECT_EQ(ingot::local_file_path("/srv/k"), "/srv/k");
    EXPECT_EQ(ingot::local_file_path("http://example.com/k"), std::nullopt);
    // file://host/path would otherwise become a path relative to the
    // conductor's working directory.
    EXPECT_THROW(ingot::local_file_path("file://etc/passwd"), FileSourceRefused);
    EXPECT_THROW(ingot::local_file_path("file://images.example/k"), FileSourceRefused);
    try {
        ingot::open_local_href("file:///etc/shadow", policy_, "driver_info/deploy_kernel");
        FAIL() << "opened";
    } catch (const FileSourceRefused& e) {
        EXPECT_EQ(std::string(e.what()).rfind("driver_info/deploy_kernel: The local image source /etc/shadow", 0), 0u)
            << e.what();
    }
    EXPECT_FALSE(ingot::open_local_href("https://example.com/k", policy_, "x"));
}

}  // namespace
