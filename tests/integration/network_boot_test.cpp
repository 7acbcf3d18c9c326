// The pxe and ipxe boot interfaces through a real conductor: a deploy of a
// fake-hardware node with the direct deploy interface stages the deploy
// kernel and ramdisk from the master cache, writes the per-MAC boot
// configuration and dnsmasq entries, and the conductor serves http_root at
// /boot/; undeploying removes it all. Whether a machine boots from these
// files is the end-to-end test's business (tests/e2e).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "common/process.h"
#include "common/x509.h"
#include "tests/support/ca_initrd_reader.h"
#include "tests/support/conductor_process.h"
#include "tests/support/loop_device.h"
#include "tests/support/node_api.h"

using namespace ingot;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kMac = "52:54:00:AB:CD:01";  // upper case on purpose: files use lower case
constexpr const char* kMacFile = "52-54-00-ab-cd-01";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// PUT a provision verb; wait until the node settles in a state that waits
// for the agent, has failed or is done.
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

class NetworkBoot : public ::testing::Test {
protected:
    explicit NetworkBoot(bool api_ca = false) : conductor_(config(dir_, api_ca)) {}

    // With `api_ca`, writes a CA for [agent] api_ca_file first: the
    // conductor reads it at start.
    static std::string config(const test::TempDir& dir, bool api_ca) {
        std::string extra;
        if (api_ca) {
            std::ofstream(dir.path() + "/api-ca.pem") << x509::make_self_signed("ca.example").certificate_pem;
            extra = "[agent]\napi_ca_file = " + dir.path() + "/api-ca.pem\n";
        }
        return "[conductor]\n"
               "automated_clean = false\n"
               "api_url = http://10.0.2.2:6385/\n"
               "file_url_allowed_paths = " +
               dir.path() +
               "\n"
               "deploy_kernel = file://" +
               dir.path() +
               "/vmlinuz\n"
               "[deploy]\n"
               "http_root = " +
               dir.path() +
               "/http\n"
               "[pxe]\n"
               "tftp_root = " +
               dir.path() +
               "/tftp\n"
               "image_cache_dir = " +
               dir.path() +
               "/master\n"
               "kernel_append_params = console=ttyS0 panic=-1\n"
               "[dnsmasq]\n"
               "dhcp_hostsdir = " +
               dir.path() +
               "/dhcp-hosts\n"
               "dhcp_optsdir = " +
               dir.path() + "/dhcp-opts\n" + extra;
    }

    void SetUp() override {
        test::write_test_image(path("vmlinuz"), 3 << 20, 1);
        test::write_test_image(path("initrd"), 40 << 20, 2);  // big enough to be sent in many pieces
    }

    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

    // A fake-hardware node with the direct deploy and `boot`, one port.
    std::string enroll(const std::string& boot, const json& properties = json::object()) {
        auto r = c_.request("POST", "/v1/nodes",
                            json({{"driver", "fake-hardware"},
                                  {"boot_interface", boot},
                                  {"deploy_interface", "direct"},
                                  {"properties", properties},
                                  {"driver_info", {{"deploy_ramdisk", path("initrd")}}}})
                                .dump());
        EXPECT_EQ(r.status, 201) << r.body;
        const std::string uuid = json::parse(r.body)["uuid"];
        r = c_.request("POST", "/v1/ports", json({{"address", kMac}, {"node_uuid", uuid}}).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(test::provision_action(c_, uuid, "manage")["provision_state"], "manageable");
        EXPECT_EQ(test::provision_action(c_, uuid, "provide")["provision_state"], "available");
        return uuid;
    }

    // Deploys and waits for the agent's call-back (which never comes).
    void deploy(const std::string& uuid) {
        auto r = c_.request(
            "PATCH", "/v1/nodes/" + uuid,
            json::array(
                {{{"op", "add"},
                  {"path", "/instance_info"},
                  {"value",
                   {{"image_source", "http://example.invalid/i.raw"}, {"image_checksum", std::string(64, 'a')}}}}})
                .dump());
        ASSERT_EQ(r.status, 200) << r.body;
        json n = provision(c_, uuid, "active");
        ASSERT_EQ(n["provision_state"], "wait call-back") << n.dump();
    }

    test::TempDir dir_;
    test::ConductorProcess conductor_;
    HttpClient c_ = test::api_client(conductor_.url());
};

TEST_F(NetworkBoot, IpxeStagesScriptsAndImagesAndTheConductorServesThem) {
    const std::string uuid = enroll("ipxe");
    deploy(uuid);

    // The chain script and the node's script by MAC.
    const std::string chain = read_file(path("http/boot.ipxe"));
    EXPECT_NE(chain.find("chain --autofree pxelinux.cfg/${mac:hexhyp}"), std::string::npos) << chain;
    const std::string script = read_file(path("http/pxelinux.cfg/") + kMacFile);
    ASSERT_FALSE(script.empty()) << "no per-MAC iPXE script";
    const std::string base = "http://10.0.2.2:6385/boot/" + uuid;
    EXPECT_NE(script.find("kernel --name kernel " + base +
                          "/deploy_kernel initrd=initrd console=ttyS0 panic=-1 "
                          "ipa-api-url=http://10.0.2.2:6385 BOOTIF=01-" +
                          kMacFile),
              std::string::npos)
        << script;
    EXPECT_NE(script.find("initrd --name initrd " + base + "/deploy_ramdisk"), std::string::npos) << script;

    // Staged from one master each: hard links, same bytes.
    EXPECT_EQ(read_file(path("http/" + uuid + "/deploy_kernel")), read_file(path("vmlinuz")));
    EXPECT_EQ(fs::hard_link_count(path("http/" + uuid + "/deploy_ramdisk")), 2u);

    // dnsmasq: the MAC tagged with the node, iPXE firmware then the script.
    EXPECT_EQ(read_file(path("dhcp-hosts/") + kMacFile), "52:54:00:ab:cd:01,set:ingot-" + uuid + "\n");
    const std::string opts = read_file(path("dhcp-opts/ingot-") + uuid);
    EXPECT_NE(opts.find("tag:ingot-" + uuid + ",tag:!ipxe,option:bootfile-name,snponly.efi"), std::string::npos)
        << opts;  // UEFI: the default boot mode
    EXPECT_NE(opts.find(",tag:ipxe,option:bootfile-name,http://10.0.2.2:6385/boot/boot.ipxe"), std::string::npos)
        << opts;

    // Served over HTTP as they are on disk, the 40 MiB ramdisk included.
    HttpClient files(conductor_.url(), std::chrono::seconds(30));
    auto r = files.request("GET", std::string("/boot/pxelinux.cfg/") + kMacFile);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, script);
    r = files.request("GET", "/boot/" + uuid + "/deploy_ramdisk");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body == read_file(path("initrd"))) << "ramdisk differs: " << r.body.size() << " bytes";
    // Nothing outside http_root, no listings, no writes.
    EXPECT_EQ(files.request("GET", "/boot/../master").status, 404);
    EXPECT_EQ(files.request("GET", "/boot/%2e%2e/http/boot.ipxe").status, 404);
    EXPECT_EQ(files.request("GET", "/boot/" + uuid).status, 404);
    EXPECT_EQ(files.request("GET", "/boot/nothing-here").status, 404);
    EXPECT_EQ(files.request("PUT", "/boot/boot.ipxe", "x").status, 405);

    // Undeploy: the node's files and DHCP entries go; the masters stay.
    json n = test::provision_action(c_, uuid, "deleted");
    EXPECT_EQ(n["provision_state"], "available") << n.dump();
    EXPECT_FALSE(fs::exists(path("http/pxelinux.cfg/") + kMacFile));
    EXPECT_FALSE(fs::exists(path("http/" + uuid)));
    EXPECT_FALSE(fs::exists(path("dhcp-hosts/") + kMacFile));
    EXPECT_FALSE(fs::exists(path("dhcp-opts/ingot-") + uuid));
    size_t masters = 0;
    for (const auto& e : fs::directory_iterator(path("master")))
        if (e.is_regular_file()) ++masters;
    EXPECT_EQ(masters, 2u);
}

TEST_F(NetworkBoot, PxeWritesPxelinuxForBiosAndGrubForUefi) {
    const std::string bios = enroll("pxe", {{"capabilities", "boot_mode:bios"}});
    deploy(bios);
    const std::string cfg = read_file(path("tftp/pxelinux.cfg/01-") + kMacFile);
    EXPECT_NE(cfg.find("kernel " + bios + "/deploy_kernel"), std::string::npos) << cfg;
    EXPECT_NE(cfg.find("append initrd=" + bios +
                       "/deploy_ramdisk console=ttyS0 panic=-1 "
                       "ipa-api-url=http://10.0.2.2:6385 BOOTIF=01-" +
                       kMacFile),
              std::string::npos)
        << cfg;
    EXPECT_FALSE(fs::exists(path("tftp/grub/grub.cfg-01-") + kMacFile));
    EXPECT_NE(read_file(path("dhcp-opts/ingot-") + bios).find("option:bootfile-name,pxelinux.0"), std::string::npos);
    EXPECT_EQ(read_file(path("tftp/" + bios + "/deploy_kernel")), read_file(path("vmlinuz")));
    EXPECT_EQ(test::provision_action(c_, bios, "deleted")["provision_state"], "available");
    EXPECT_FALSE(fs::exists(path("tftp/pxelinux.cfg/01-") + kMacFile));
    ASSERT_EQ(c_.request("DELETE", "/v1/nodes/" + bios).status, 204);

    const std::string uefi = enroll("pxe");
    deploy(uefi);
    const std::string grub = read_file(path("tftp/grub/grub.cfg-01-") + kMacFile);
    EXPECT_NE(grub.find("linux /" + uefi + "/deploy_kernel console=ttyS0"), std::string::npos) << grub;
    EXPECT_NE(grub.find("initrd /" + uefi + "/deploy_ramdisk"), std::string::npos) << grub;
    EXPECT_FALSE(fs::exists(path("tftp/pxelinux.cfg/01-") + kMacFile));
    EXPECT_NE(read_file(path("dhcp-opts/ingot-") + uefi).find("option:bootfile-name,bootx64.efi"), std::string::npos);
}

class NetworkBootWithApiCa : public NetworkBoot {
protected:
    NetworkBootWithApiCa() : NetworkBoot(true) {}

    // The archive's files, unpacked with GNU cpio.
    std::string unpacked_ca(const std::string& archive) {
        return test::ca_in_initrd(read_file(archive), path("unpacked"));
    }
};

TEST_F(NetworkBootWithApiCa, EveryLoaderLoadsTheApiCaAfterTheRamdisk) {
    const std::string ipxe = enroll("ipxe");
    deploy(ipxe);
    const std::string script = read_file(path("http/pxelinux.cfg/") + kMacFile);
    const std::string base = "http://10.0.2.2:6385/boot/" + ipxe;
    EXPECT_NE(script.find("/deploy_kernel initrd=initrd initrd=initrd1 console=ttyS0"), std::string::npos) << script;
    EXPECT_NE(script.find("initrd --name initrd " + base +
                          "/deploy_ramdisk || goto retry\n"
                          "initrd --name initrd1 " +
                          base + "/deploy_ca || goto retry\n"),
              std::string::npos)
        << script;
    // Served like the ramdisk; it unpacks to the CA.
    HttpClient files(conductor_.url(), std::chrono::seconds(30));
    auto r = files.request("GET", "/boot/" + ipxe + "/deploy_ca");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(test::ca_in_initrd(r.body, path("unpacked")), read_file(path("api-ca.pem")));
    EXPECT_EQ(test::provision_action(c_, ipxe, "deleted")["provision_state"], "available");
    EXPECT_FALSE(fs::exists(path("http/" + ipxe + "/deploy_ca")));
    ASSERT_EQ(c_.request("DELETE", "/v1/nodes/" + ipxe).status, 204);

    const std::string bios = enroll("pxe", {{"capabilities", "boot_mode:bios"}});
    deploy(bios);
    EXPECT_NE(read_file(path("tftp/pxelinux.cfg/01-") + kMacFile)
                  .find("append initrd=" + bios + "/deploy_ramdisk," + bios + "/deploy_ca console=ttyS0"),
              std::string::npos);
    EXPECT_EQ(unpacked_ca(path("tftp/" + bios + "/deploy_ca")), read_file(path("api-ca.pem")));
    EXPECT_EQ(test::provision_action(c_, bios, "deleted")["provision_state"], "available");
    ASSERT_EQ(c_.request("DELETE", "/v1/nodes/" + bios).status, 204);

    const std::string uefi = enroll("pxe");
    deploy(uefi);
    EXPECT_NE(read_file(path("tftp/grub/grub.cfg-01-") + kMacFile)
                  .find("initrd /" + uefi + "/deploy_ramdisk /" + uefi + "/deploy_ca\n"),
              std::string::npos);
}

TEST(NetworkBootApiCa, ACaFileThatIsNoCertificateStopsTheStart) {
    test::TempDir dir;
    std::ofstream(dir.path() + "/ca.pem") << "not a certificate\n";
    try {
        test::ConductorProcess conductor("[agent]\napi_ca_file = " + dir.path() + "/ca.pem\n");
        FAIL() << "the conductor started";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("[agent] api_ca_file " + dir.path() + "/ca.pem holds no usable CA"),
                  std::string::npos)
            << e.what();
    }
}

// A ramdisk that never boots need not be waited out for the whole
// deploy_callback_timeout: abort in `wait call-back` (Ironic API 1.110)
// fails the deploy at once, drops the agent's token and removes the
// ramdisk's boot files; the node can be deployed again.
TEST_F(NetworkBoot, AbortWhileWaitingForTheRamdiskFailsTheDeployAndCleansItsBootUp) {
    const std::string uuid = enroll("ipxe");
    deploy(uuid);
    ASSERT_TRUE(fs::exists(path("http/pxelinux.cfg/") + kMacFile));
    // An agent looked up (it got the token) but had not heartbeated yet.
    auto r = c_.request("GET", std::string("/v1/lookup?addresses=") + kMac);
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string token = json::parse(r.body)["config"]["agent_token"];

    json n = provision(c_, uuid, "abort");
    EXPECT_EQ(n["provision_state"], "deploy failed") << n.dump();
    EXPECT_EQ(n["last_error"],
              "By request, the deploy operation was aborted during or after the completion of step \"deploy.deploy\"")
        << n.dump();
    EXPECT_EQ(n["deploy_step"], json::object());
    EXPECT_FALSE(n["driver_internal_info"].contains("agent_secret_token")) << n.dump();
    EXPECT_FALSE(fs::exists(path("http/pxelinux.cfg/") + kMacFile));
    EXPECT_FALSE(fs::exists(path("dhcp-hosts/") + kMacFile));

    // The agent that held the token cannot drive the node any more.
    r = c_.request("POST", "/v1/heartbeat/" + uuid,
                   json({{"callback_url", "https://127.0.0.1:9999"}, {"agent_token", token}}).dump());
    EXPECT_GE(r.status, 400) << r.body;
    EXPECT_EQ(test::get_node(c_, uuid)["provision_state"], "deploy failed");

    // Nothing to abort any more, and the deploy can be tried again.
    r = c_.request("PUT", "/v1/nodes/" + uuid + "/states/provision", json({{"target", "abort"}}).dump());
    EXPECT_EQ(r.status, 400) << r.body;
    n = provision(c_, uuid, "active");
    EXPECT_EQ(n["provision_state"], "wait call-back") << n.dump();
    EXPECT_TRUE(fs::exists(path("http/pxelinux.cfg/") + kMacFile));
}

TEST_F(NetworkBoot, MissingImagesOrPortsFailValidationWithTheirNames) {
    // No port: network boot cannot work, and validate says why.
    auto r = c_.request(
        "POST", "/v1/nodes",
        json({{"driver", "fake-hardware"}, {"boot_interface", "ipxe"}, {"deploy_interface", "direct"}}).dump());
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string uuid = json::parse(r.body)["uuid"];
    json v = json::parse(c_.request("GET", "/v1/nodes/" + uuid + "/validate").body);
    EXPECT_EQ(v["boot"]["result"], false) << v.dump();
    // The conductor has a default kernel but no default ramdisk.
    EXPECT_NE(v["boot"]["reason"].get<std::string>().find("'deploy_ramdisk'"), std::string::npos) << v.dump();

    // A deploy kernel that does not exist fails the deploy with its name.
    const std::string bad = enroll("ipxe");
    r = c_.request(
        "PATCH", "/v1/nodes/" + bad,
        json::array(
            {{{"op", "add"}, {"path", "/driver_info/deploy_kernel"}, {"value", "file://" + path("missing-vmlinuz")}},
             {{"op", "add"},
              {"path", "/instance_info"},
              {"value", {{"image_source", "http://example.invalid/i.raw"}, {"image_checksum", std::string(64, 'a')}}}}})
            .dump());
    ASSERT_EQ(r.status, 200) << r.body;
    json n = provision(c_, bad, "active");
    EXPECT_EQ(n["provision_state"], "deploy failed") << n.dump();
    EXPECT_NE(n["last_error"].get<std::string>().find("driver_info/deploy_kernel: The local image source " +
                                                      path("missing-vmlinuz")),
              std::string::npos)
        << n.dump();
    EXPECT_FALSE(fs::exists(path("http/pxelinux.cfg/") + kMacFile));
}

}  // namespace
