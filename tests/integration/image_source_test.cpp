// Replays, against a real conductor, the attacks that made it read and
// serve any file of its host or follow redirects anywhere (issue 14): a
// node whose deploy kernel is file:///etc/shadow and whose ramdisk is a
// 0600 file, then manage + provide, used to have the shadow file served at
// /boot/<uuid>/deploy_kernel from a 0644 cached copy. Now every such
// source is refused at validation (GET /v1/nodes/{id}/validate says why)
// and again when the files are staged, and nothing is copied or served.
// Also: the conductor's own [conductor] deploy_kernel, redfish_deploy_iso,
// instance images, HTTP redirects to file:// or to another port, the size
// cap, and the database file's mode.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "tests/integration/agent_image_http_server.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void write_file(const std::string& path, const std::string& text, mode_t mode = 0644) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    ::chmod(path.c_str(), mode);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 07777;
}

std::string text(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

class ImageSources : public ::testing::Test {
protected:
    explicit ImageSources(const std::string& extra = "")
        : conductor_(
              "[DEFAULT]\n"
              "enabled_hardware_types = fake-hardware,redfish\n"
              "[conductor]\n"
              "file_url_allowed_paths = " +
              dir_.path() +
              "/images\n"
              "[deploy]\n"
              "http_root = " +
              dir_.path() +
              "/http\n"
              "[pxe]\n"
              "image_cache_dir = " +
              dir_.path() +
              "/master\n"
              "max_image_size = 1\n" +
              extra) {}

    void SetUp() override {
        fs::create_directories(path("images"));
        fs::create_directories(path("elsewhere"));
        write_file(path("images/vmlinuz"), "an agent kernel " + std::string(64 << 10, 'k'));
        write_file(path("images/initrd"), "an agent ramdisk " + std::string(64 << 10, 'r'));
        write_file(path("elsewhere/public"), "public but not allowed");
        write_file(path("images/private"), "SECRET-IN-ALLOWED", 0600);
        write_file(path("elsewhere/private"), "SECRET-ELSEWHERE", 0600);
    }

    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

    // A fake-hardware node booting with ipxe and deployed by the agent,
    // with `driver_info`, one port, manageable.
    std::string enroll(const json& driver_info, const std::string& driver = "fake-hardware",
                       const std::string& boot = "ipxe") {
        auto r = c_.request("POST", "/v1/nodes",
                            json({{"driver", driver},
                                  {"boot_interface", boot},
                                  {"deploy_interface", "direct"},
                                  {"driver_info", driver_info}})
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string uuid = json::parse(r.body).value("uuid", "");
        char mac[32];
        std::snprintf(mac, sizeof mac, "52:54:00:5e:c0:%02x", ++nodes_);
        r = c_.request("POST", "/v1/ports", json({{"address", mac}, {"node_uuid", uuid}}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return uuid;
    }

    json validate(const std::string& uuid) {
        return json::parse(c_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
    }

    // manage + provide: cleaning boots the agent's ramdisk, which stages
    // the deploy kernel and ramdisk (or fails to).
    json manage_and_provide(const std::string& uuid) {
        json n = test::provision_action(c_, uuid, "manage");
        EXPECT_EQ(n["provision_state"], "manageable") << n.dump();
        auto r = c_.request("PUT", "/v1/nodes/" + uuid + "/states/provision", json({{"target", "provide"}}).dump());
        EXPECT_EQ(r.status, 202) << r.body;
        // Settled: failed, or waiting for the agent (nothing boots here).
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        do {
            n = test::get_node(c_, uuid);
            const std::string state = n["provision_state"];
            if (n["reservation"].is_null() && (state == "clean failed" || state == "clean wait")) return n;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } while (std::chrono::steady_clock::now() < deadline);
        return n;
    }

    // Nothing of `secret` was copied into the cache or the HTTP root, and
    // the node's boot files are not served.
    void expect_nothing_leaked(const std::string& uuid, const std::string& secret) {
        for (const char* root : {"master", "http"}) {
            if (!fs::exists(path(root))) continue;
            for (const auto& e : fs::recursive_directory_iterator(path(root))) {
                if (!e.is_regular_file()) continue;
                EXPECT_EQ(read_file(e.path()).find(secret), std::string::npos) << "copied to " << e.path();
            }
        }
        HttpClient files(conductor_.url(), std::chrono::seconds(10));
        for (const char* name : {"deploy_kernel", "deploy_ramdisk"}) {
            auto r = files.request("GET", "/boot/" + uuid + "/" + name);
            EXPECT_EQ(r.status, 404) << name << ": " << r.body.substr(0, 100);
        }
    }

    test::TempDir dir_;
    test::ConductorProcess conductor_;
    HttpClient c_ = test::api_client(conductor_.url());
    int nodes_ = 0;
};

TEST_F(ImageSources, TheIssuesAttackShadowAndAPrivateFileAreNeitherCopiedNorServed) {
    const std::string uuid =
        enroll({{"deploy_kernel", "file:///etc/shadow"}, {"deploy_ramdisk", path("elsewhere/private")}});
    json v = validate(uuid);
    EXPECT_EQ(v["boot"]["result"], false) << v.dump();
    const std::string reason = text(v["boot"]["reason"]);
    EXPECT_NE(reason.find("driver_info/deploy_kernel: The local image source /etc/shadow is refused: it lies "
                          "under /etc"),
              std::string::npos)
        << reason;
    json n = manage_and_provide(uuid);
    EXPECT_EQ(n["provision_state"], "clean failed") << n.dump();
    EXPECT_NE(text(n["last_error"]).find("/etc/shadow"), std::string::npos) << n.dump();
    expect_nothing_leaked(uuid, "root:");

    // The ramdisk alone (with an allowed kernel): refused for where it is.
    const std::string second =
        enroll({{"deploy_kernel", path("images/vmlinuz")}, {"deploy_ramdisk", "file://" + path("elsewhere/private")}});
    n = manage_and_provide(second);
    EXPECT_EQ(n["provision_state"], "clean failed") << n.dump();
    EXPECT_NE(text(n["last_error"])
                  .find(path("elsewhere/private") + " is refused: it is not under a directory "
                                                    "[conductor] file_url_allowed_paths allows"),
              std::string::npos)
        << n.dump();
    expect_nothing_leaked(second, "SECRET-ELSEWHERE");
}

TEST_F(ImageSources, EscapesFromTheAllowedDirectoryAreRefused) {
    fs::create_symlink(path("elsewhere/public"), path("images/link"));
    fs::create_symlink("/etc/passwd", path("images/passwd"));
    ASSERT_EQ(::mkfifo(path("images/fifo").c_str(), 0644), 0);
    const std::vector<std::pair<std::string, std::string>> attempts = {
        {path("images/link"), "it resolves to " + path("elsewhere/public") + ", which is not under a directory"},
        {"file://" + path("images/passwd"), "it resolves to /etc/passwd, which lies under /etc"},
        {path("images/../elsewhere/public"), "is not under a directory [conductor] file_url_allowed_paths allows"},
        {path("images/private"), "it is not readable by everyone (mode 0600)"},
        {path("images/fifo"), "it is a FIFO, not a regular file"},
        {"file://etc/passwd", "names no absolute path on this host"},
        {"file:///proc/self/environ", "lies under /proc"},
        {"ftp://127.0.0.1/vmlinuz", "is not an http://, https://, file:// URL or an absolute path"},
    };
    for (const auto& [href, why] : attempts) {
        const std::string uuid = enroll({{"deploy_kernel", href}, {"deploy_ramdisk", path("images/initrd")}});
        const std::string reason = text(validate(uuid)["boot"]["reason"]);
        EXPECT_NE(reason.find("driver_info/deploy_kernel"), std::string::npos) << href << ": " << reason;
        EXPECT_NE(reason.find(why), std::string::npos) << href << ": " << reason;
        json n = manage_and_provide(uuid);
        EXPECT_EQ(n["provision_state"], "clean failed") << href << ": " << n.dump();
        expect_nothing_leaked(uuid, "SECRET-IN-ALLOWED");
        expect_nothing_leaked(uuid, "public but not allowed");
    }
}

TEST_F(ImageSources, AllowedFilesAreStagedAndServedAsBefore) {
    const std::string uuid =
        enroll({{"deploy_kernel", "file://" + path("images/vmlinuz")}, {"deploy_ramdisk", path("images/initrd")}});
    json v = validate(uuid);
    EXPECT_EQ(v["boot"]["result"], true) << v.dump();
    json n = manage_and_provide(uuid);
    EXPECT_EQ(n["provision_state"], "clean wait") << n.dump();
    HttpClient files(conductor_.url(), std::chrono::seconds(10));
    auto r = files.request("GET", "/boot/" + uuid + "/deploy_kernel");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, read_file(path("images/vmlinuz")));
    for (const auto& e : fs::directory_iterator(path("master"))) {
        if (!e.is_regular_file()) continue;
        EXPECT_EQ(mode_of(e.path()), 0644u) << e.path();
    }
}

TEST_F(ImageSources, VirtualMediaIsosAndInstanceImagesAreCheckedToo) {
    const std::string iso =
        enroll({{"redfish_address", "https://127.0.0.1:1"}, {"redfish_deploy_iso", "file:///etc/shadow"}}, "redfish",
               "redfish-virtual-media");
    std::string reason = text(validate(iso)["boot"]["reason"]);
    EXPECT_NE(reason.find("driver_info/redfish_deploy_iso: The local image source /etc/shadow is refused"),
              std::string::npos)
        << reason;

    const std::string uuid =
        enroll({{"deploy_kernel", path("images/vmlinuz")}, {"deploy_ramdisk", path("images/initrd")}});
    auto r = c_.request("PATCH", "/v1/nodes/" + uuid,
                        json::array({{{"op", "add"},
                                      {"path", "/instance_info"},
                                      {"value",
                                       {{"image_source", "file:///etc/shadow"},
                                        {"kernel", "file://" + path("elsewhere/public")},
                                        {"ramdisk", path("images/initrd")},
                                        {"root_gb", 1}}}}})
                            .dump());
    ASSERT_EQ(r.status, 200) << r.body;
    json v = validate(uuid);
    reason = text(v["deploy"]["reason"]);
    EXPECT_NE(reason.find("instance_info/image_source: The local image source /etc/shadow is refused"),
              std::string::npos)
        << v.dump();
    reason = text(v["boot"]["reason"]);
    EXPECT_NE(reason.find("instance_info/kernel: The local image source " + path("elsewhere/public")),
              std::string::npos)
        << v.dump();
}

TEST_F(ImageSources, RedirectsToFilesOtherPortsOrEndlesslyAreRefused) {
    test::ImageHttpServer web(path("images/vmlinuz"));
    test::ImageHttpServer other(path("images/vmlinuz"));  // another service of the host
    web.redirect("/to-file", "file:///etc/passwd");
    web.redirect("/to-port", other.url("/vmlinuz"));
    for (int i = 0; i < 6; ++i) web.redirect("/hop" + std::to_string(i), web.url("/hop" + std::to_string(i + 1)));
    web.redirect("/moved", web.url("/vmlinuz"));
    const std::vector<std::pair<std::string, std::string>> attempts = {
        {"/to-file", "its redirect to file:///etc/passwd is refused: only http:// and https:// redirects"},
        {"/to-port", "its redirect to " + other.url("/vmlinuz") + " is refused: port " +
                         other.url("").substr(other.url("").rfind(':') + 1) + " is neither the default port"},
        {"/hop0", "more than 5 redirects"},
    };
    for (const auto& [where, why] : attempts) {
        const std::string uuid = enroll({{"deploy_kernel", web.url(where)}, {"deploy_ramdisk", path("images/initrd")}});
        json n = manage_and_provide(uuid);
        EXPECT_EQ(n["provision_state"], "clean failed") << where << ": " << n.dump();
        EXPECT_NE(text(n["last_error"]).find(why), std::string::npos) << where << ": " << n.dump();
        expect_nothing_leaked(uuid, "root:x:0:0");
    }
    EXPECT_TRUE(other.paths().empty()) << "the conductor was sent to another port";

    // A redirect on the same server is followed.
    const std::string uuid = enroll({{"deploy_kernel", web.url("/moved")}, {"deploy_ramdisk", path("images/initrd")}});
    json n = manage_and_provide(uuid);
    EXPECT_EQ(n["provision_state"], "clean wait") << n.dump();
    HttpClient files(conductor_.url(), std::chrono::seconds(10));
    EXPECT_EQ(files.request("GET", "/boot/" + uuid + "/deploy_kernel").body, read_file(path("images/vmlinuz")));
}

TEST_F(ImageSources, ASourceLargerThanMaxImageSizeFails) {
    write_file(path("images/huge"), std::string((1 << 20) + 1, 'h'));
    test::ImageHttpServer web(path("images/huge"));
    for (const std::string& href : {path("images/huge"), web.url("/huge")}) {
        const std::string uuid = enroll({{"deploy_kernel", href}, {"deploy_ramdisk", path("images/initrd")}});
        json n = manage_and_provide(uuid);
        EXPECT_EQ(n["provision_state"], "clean failed") << n.dump();
        EXPECT_NE(text(n["last_error"]).find("larger than [pxe] max_image_size (1 MiB)"), std::string::npos)
            << n.dump();
    }
}

TEST_F(ImageSources, TheDatabaseHoldingBmcPasswordsIsTheConductorsOnly) {
    enroll({{"redfish_password", "a BMC password"}});
    const std::string db = conductor_.state_dir() + "/ingot.sqlite";
    EXPECT_EQ(mode_of(db), 0600u);
    EXPECT_EQ(mode_of(db + "-wal"), 0600u);
    EXPECT_EQ(mode_of(db + "-shm"), 0600u);

    // An older database others could read is tightened at start, and said so.
    const std::string old_db = path("old.sqlite");
    { SQLite::Database(old_db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE).exec("CREATE TABLE t (x)"); }
    ::chmod(old_db.c_str(), 0644);
    write_file(path("old.conf"), "[database]\nconnection = sqlite:///" + old_db + "\n");
    auto r = test::run(
        {test::ConductorProcess::bin_dir() + "/ingot-conductor", "--config-file", path("old.conf"), "--upgrade-db"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(mode_of(old_db), 0600u);
    EXPECT_NE(r.err.find("database.permissions_tightened file=" + old_db + " old_mode=0644 mode=0600"),
              std::string::npos)
        << r.err;
}

class ConfiguredImageSources : public ImageSources {
protected:
    ConfiguredImageSources() : ImageSources("[conductor]\ndeploy_kernel = file:///etc/shadow\n") {}
};

TEST_F(ConfiguredImageSources, TheOperatorsDefaultsGoThroughTheSameCheck) {
    const std::string uuid = enroll({{"deploy_ramdisk", path("images/initrd")}});
    const std::string reason = text(validate(uuid)["boot"]["reason"]);
    EXPECT_NE(reason.find("[conductor] deploy_kernel: The local image source /etc/shadow is refused"),
              std::string::npos)
        << reason;
    json n = manage_and_provide(uuid);
    EXPECT_EQ(n["provision_state"], "clean failed") << n.dump();
    expect_nothing_leaked(uuid, "root:");
}

}  // namespace
