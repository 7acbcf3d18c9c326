// The redfish-virtual-media boot interface through a real conductor and a
// real ingot-vbmc (in-memory machines, HTTPS with a test CA): a deploy of a
// `redfish` node builds the agent ISO with grub-mkrescue, with the agent's
// token on its kernel command line and the API's CA as a second initrd,
// serves it at /boot/redfish/<uuid>-<random>.iso (mode 0600, never in the
// image cache), inserts it as the machine's virtual CD and boots the CD
// once; lookups get only the mask; undeploying ejects it and removes the
// node's ISO, and the next deploy builds another with another token.
// Failures (an unreadable deploy kernel, a failing BMC) end in a clear
// last_error with nothing attached. Whether a machine boots the ISO is the
// end-to-end test's business (tests/e2e).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "common/process.h"
#include "tests/support/ca_initrd_reader.h"
#include "tests/support/conductor_process.h"
#include "tests/support/node_api.h"
#include "tests/support/vbmc_process.h"

using namespace ingot;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kMac = "52:54:00:AB:CD:02";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

size_t count_occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

std::string last_error(const json& node) {
    return node["last_error"].is_string() ? node["last_error"].get<std::string>() : "";
}

// PUT a provision verb; wait until the node waits for the agent, has failed
// or is done.
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

class VirtualMediaBoot : public ::testing::Test {
protected:
    VirtualMediaBoot()
        : bmc_(bmc_options()),
          conductor_(
              "[DEFAULT]\n"
              "enabled_hardware_types = fake-hardware,redfish\n"
              "[conductor]\n"
              "automated_clean = false\n"
              "file_url_allowed_paths = " +
              dir_.path() +
              "\n"
              "[deploy]\n"
              "http_root = " +
              dir_.path() +
              "/http\n"
              "[pxe]\n"
              "image_cache_dir = " +
              dir_.path() +
              "/master\n"
              "kernel_append_params = console=ttyS0 panic=-1\n"
              "[redfish]\n"
              "connection_attempts = 2\n"
              "connection_retry_interval = 0\n"
              "request_timeout = 3\n"
              "[agent]\n"
              "api_ca_file = " +
              bmc_.ca_file() + "\n") {}

    static test::VbmcOptions bmc_options() {
        test::VbmcOptions o;
        o.memory_systems = 2;
        o.fault_injection = true;
        return o;
    }

    void SetUp() override {
        // Dummies: nothing boots them here.
        write_file(path("vmlinuz"), "dummy kernel " + std::string(256 << 10, 'k'));
        write_file(path("initrd"), "dummy initrd " + std::string(512 << 10, 'i'));
    }

    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
    // The node's ISOs in the HTTP root (one while it boots, none after).
    std::vector<std::string> node_isos(const std::string& uuid) const {
        std::vector<std::string> out;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(path("http/redfish"), ec))
            if (e.path().filename().string().rfind(uuid, 0) == 0) out.push_back(e.path().string());
        return out;
    }
    // The token the conductor minted, from the database (the API masks it).
    std::string stored_token(const std::string& uuid) const {
        auto r = run_process({"sqlite3", conductor_.state_dir() + "/ingot.sqlite",
                              "SELECT json_extract(driver_internal_info, '$.agent_secret_token') FROM nodes "
                              "WHERE uuid = '" +
                                  uuid + "'"});
        return trim_newline(r.out);
    }
    static std::string trim_newline(std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
        return s;
    }
    // A file of the ISO, extracted with xorriso.
    std::string from_iso(const std::string& iso, const std::string& inside) {
        const std::string out = path("extracted");
        std::error_code ec;
        fs::remove_all(out, ec);
        auto x = run_process({"xorriso", "-osirrox", "on", "-indev", iso, "-extract", inside, out});
        EXPECT_EQ(x.exit_code, 0) << x.err;
        return read_file(out);
    }

    json driver_info(const std::string& system) const {
        return {{"redfish_address", bmc_.url()},
                {"redfish_system_id", "/redfish/v1/Systems/" + system},
                {"redfish_username", "admin"},
                {"redfish_password", "password"},
                {"redfish_verify_ca", bmc_.ca_file()},
                {"deploy_kernel", "file://" + path("vmlinuz")},
                {"deploy_ramdisk", "file://" + path("initrd")}};
    }

    // A redfish node booting by virtual media, with a port, available.
    std::string enroll(const std::string& system, json info = json()) {
        if (info.is_null()) info = driver_info(system);
        auto r = c_.request("POST", "/v1/nodes",
                            json({{"driver", "redfish"},
                                  {"boot_interface", "redfish-virtual-media"},
                                  {"deploy_interface", "direct"},
                                  {"driver_info", info}})
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string uuid = json::parse(r.body)["uuid"];
        r = c_.request("POST", "/v1/ports", json({{"address", kMac}, {"node_uuid", uuid}}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(test::provision_action(c_, uuid, "manage")["provision_state"], "manageable");
        EXPECT_EQ(test::provision_action(c_, uuid, "provide")["provision_state"], "available");
        return uuid;
    }

    // Starts a deploy, which boots the agent ISO; the agent never calls back.
    json deploy(const std::string& uuid) {
        auto r = c_.request(
            "PATCH", "/v1/nodes/" + uuid,
            json::array(
                {{{"op", "add"},
                  {"path", "/instance_info"},
                  {"value",
                   {{"image_source", "http://example.invalid/i.raw"}, {"image_checksum", std::string(64, 'a')}}}}})
                .dump());
        EXPECT_EQ(r.status, 200) << r.body;
        return provision(c_, uuid, "active");
    }

    // The machine's virtual CD as its BMC shows it over Redfish.
    json cd(const std::string& system) {
        auto r = bmc_.client().request("GET", "/redfish/v1/Managers/" + system + "/VirtualMedia/Cd");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body);
    }

    void insert_stale_cd(const std::string& system) {
        auto r = bmc_.client().request(
            "POST", "/redfish/v1/Managers/" + system + "/VirtualMedia/Cd/Actions/VirtualMedia.InsertMedia",
            json({{"Image", "http://example.invalid/someone-elses.iso"}, {"Inserted", true}}).dump());
        ASSERT_EQ(r.status / 100, 2) << r.body;
        ASSERT_EQ(cd(system)["Inserted"], true);
    }

    size_t masters() const {
        size_t n = 0;
        for (const auto& e : fs::directory_iterator(path("master")))
            if (e.is_regular_file() && e.path().filename().string().size() == 64) ++n;
        return n;
    }

    test::TempDir dir_;
    test::VbmcProcess bmc_;
    test::ConductorProcess conductor_;
    HttpClient c_ = test::api_client(conductor_.url());
};

TEST_F(VirtualMediaBoot, DeployAttachesTheAgentIsoAndUndeployEjectsIt) {
    const std::string uuid = enroll("node-0");
    json v = json::parse(c_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
    EXPECT_EQ(v["boot"]["result"], true) << v.dump();
    insert_stale_cd("node-0");

    json n = deploy(uuid);
    ASSERT_EQ(n["provision_state"], "wait call-back") << n.dump();

    // The BMC holds our ISO (the stale CD was ejected first) and the
    // machine booted it once. Its name is the node's UUID and a secret.
    json media = cd("node-0");
    const std::string prefix = conductor_.url() + "/boot/redfish/" + uuid + "-";
    const std::string url = media["Image"].is_string() ? media["Image"].get<std::string>() : "";
    ASSERT_EQ(url.rfind(prefix, 0), 0u) << media.dump();
    EXPECT_GE(url.size() - prefix.size() - 4, 32u) << "a name one could guess: " << url;
    EXPECT_EQ(media["Inserted"], true) << media.dump();
    auto r = bmc_.client().request("GET", "/redfish/v1/Systems/node-0");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body)["Boot"]["BootSourceOverrideTarget"], "Cd") << r.body;
    const json state = bmc_.state("node-0");
    EXPECT_EQ(state["last_boot_target"], "Cd") << state.dump();  // the deploy's reboot used the override
    EXPECT_EQ(state["power_state"], "On");

    // The ISO is the node's alone: 0600, not in the image cache, and not at
    // the name of a cached ISO.
    const auto isos = node_isos(uuid);
    ASSERT_EQ(isos.size(), 1u);
    EXPECT_EQ(fs::status(isos[0]).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_EQ(masters(), 2u) << "kernel and ramdisk only";
    EXPECT_FALSE(fs::exists(path("master/iso-index")));
    HttpClient files(conductor_.url(), std::chrono::seconds(30));
    EXPECT_EQ(files.request("GET", "/boot/redfish/" + uuid + ".iso").status, 404);
    r = files.request("GET", url.substr(conductor_.url().size()));
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.body == read_file(isos[0])) << r.body.size() << " bytes";
    ASSERT_GT(r.body.size(), 0x8006u);
    EXPECT_EQ(r.body.substr(0x8001, 5), "CD001");  // ISO 9660

    // Its command line holds the agent's token (minted now, pregenerated);
    // the API's CA comes as a second initrd.
    const std::string token = stored_token(uuid);
    ASSERT_GE(token.size(), 32u);
    const std::string cfg = from_iso(isos[0], "/boot/grub/grub.cfg");
    EXPECT_NE(cfg.find("linux /vmlinuz console=ttyS0 panic=-1 ipa-api-url=" + conductor_.url() +
                       " BOOTIF=01-52-54-00-ab-cd-02 boot_method=vmedia ipa-agent-token=" + token + "\n"),
              std::string::npos)
        << cfg;
    EXPECT_NE(cfg.find("initrd /initrd /extra.cpio\n"), std::string::npos) << cfg;
    EXPECT_EQ(test::ca_in_initrd(from_iso(isos[0], "/extra.cpio"), path("unpacked")), read_file(bmc_.ca_file()));
    auto x = run_process({"xorriso", "-indev", isos[0], "-report_el_torito", "plain"});
    EXPECT_NE(x.out.find(" BIOS "), std::string::npos) << x.out;
    EXPECT_NE(x.out.find(" UEFI "), std::string::npos) << x.out;

    // No lookup hands the token out, and none is taken for a second one.
    for (int i = 0; i < 2; ++i) {
        r = c_.request("GET", std::string("/v1/lookup?addresses=") + kMac);
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(json::parse(r.body)["config"]["agent_token"], "******");
    }
    EXPECT_EQ(test::get_node(c_, uuid)["provision_state"], "wait call-back");
    EXPECT_EQ(conductor_.log().find(token), std::string::npos) << "the token reached the log";
    EXPECT_EQ(conductor_.log().find(url.substr(prefix.size())), std::string::npos) << "the ISO's name reached the log";

    // Undeploy: ejected, the node's ISO gone, the masters kept.
    n = test::provision_action(c_, uuid, "deleted");
    EXPECT_EQ(n["provision_state"], "available") << n.dump();
    media = cd("node-0");
    EXPECT_EQ(media["Inserted"], false) << media.dump();
    EXPECT_TRUE(media["Image"].is_null()) << media.dump();
    EXPECT_TRUE(node_isos(uuid).empty());
    EXPECT_EQ(files.request("GET", url.substr(conductor_.url().size())).status, 404);
    EXPECT_EQ(masters(), 2u);

    // Deploying again builds another ISO, with another token at another name.
    n = deploy(uuid);
    ASSERT_EQ(n["provision_state"], "wait call-back") << n.dump();
    EXPECT_NE(cd("node-0")["Image"], url);
    EXPECT_NE(stored_token(uuid), token);
    EXPECT_EQ(count_occurrences(conductor_.log(), "boot_iso.built"), 2u) << conductor_.log();
    EXPECT_EQ(node_isos(uuid).size(), 1u);
    EXPECT_EQ(test::provision_action(c_, uuid, "deleted")["provision_state"], "available");
    EXPECT_EQ(cd("node-0")["Inserted"], false);
    EXPECT_TRUE(node_isos(uuid).empty());

    EXPECT_EQ(conductor_.log().find("=password"), std::string::npos);
}

TEST_F(VirtualMediaBoot, AnUnreadableDeployKernelFailsTheDeployWithNothingAttached) {
    // An http href is not checked up front: this one fails while the ISO
    // is built (nothing listens on that port).
    const std::string bad_kernel = "http://127.0.0.1:" + std::to_string(test::free_port()) + "/no-such-kernel";
    json info = driver_info("node-0");
    info["deploy_kernel"] = bad_kernel;
    const std::string uuid = enroll("node-0", info);
    insert_stale_cd("node-0");

    json n = deploy(uuid);
    EXPECT_EQ(n["provision_state"], "deploy failed") << n.dump();
    EXPECT_NE(last_error(n).find("Cannot build the agent ISO of node " + uuid + ": Cannot fetch " + bad_kernel + ": "),
              std::string::npos)
        << n.dump();
    json media = cd("node-0");
    EXPECT_EQ(media["Inserted"], false) << media.dump();
    EXPECT_TRUE(media["Image"].is_null()) << media.dump();
    EXPECT_TRUE(node_isos(uuid).empty());

    // A local kernel that does not exist is refused before anything runs.
    info["deploy_kernel"] = "file://" + path("missing-kernel");
    auto r = c_.request(
        "POST", "/v1/nodes",
        json({{"driver", "redfish"}, {"boot_interface", "redfish-virtual-media"}, {"driver_info", info}}).dump());
    ASSERT_EQ(r.status, 201) << r.body;
    json v = json::parse(
        c_.request("GET", "/v1/nodes/" + json::parse(r.body)["uuid"].get<std::string>() + "/validate").body);
    EXPECT_EQ(v["boot"]["result"], false) << v.dump();
    EXPECT_NE(
        v["boot"]["reason"].get<std::string>().find("driver_info/deploy_kernel: The local image source " +
                                                    path("missing-kernel") + " is refused: it cannot be resolved"),
        std::string::npos)
        << v.dump();
}

TEST_F(VirtualMediaBoot, AFailingBmcFailsTheDeployWithItsAnswer) {
    const std::string uuid = enroll("node-1");
    bmc_.set_fault("node-1", "error-500");
    json n = deploy(uuid);
    bmc_.set_fault("node-1", "none");
    EXPECT_EQ(n["provision_state"], "deploy failed") << n.dump();
    const std::string error = last_error(n);
    EXPECT_NE(error.find("Cannot eject the virtual cd of node " + uuid + ": Redfish BMC " + bmc_.url() +
                         " answered GET /redfish/v1/Systems/node-1 for node " + uuid + " with HTTP 500"),
              std::string::npos)
        << error;
    EXPECT_EQ(error.find("password"), std::string::npos) << error;
    EXPECT_EQ(cd("node-1")["Inserted"], false);
    EXPECT_TRUE(node_isos(uuid).empty());
}

}  // namespace
