// The redfish-virtual-media boot interface on its own, with a recording
// management interface in place of a BMC: what it validates, the order of
// its BMC calls, the per-node ISO it serves, and that a failure half-way
// through prepare_ramdisk leaves nothing attached. The real BMC path is in
// tests/integration/virtual_media_boot_test.cpp.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "boot/boot_iso.h"
#include "boot/image_cache.h"
#include "boot/image_fetch.h"
#include "boot/redfish_virtual_media.h"
#include "common/process.h"
#include "common/x509.h"
#include "interfaces/management.h"
#include "interfaces/virtual_media.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using namespace ingot::boot;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Records every call as one line; fails the ones it is told to.
class RecordingManagement : public interfaces::ManagementInterface, public interfaces::VirtualMediaCapable {
public:
    void set_boot_device(interfaces::Task&, const std::string& device, bool persistent) override {
        calls.push_back("boot " + device + (persistent ? " persistent" : " once"));
        if (fail_boot_device) throw interfaces::BmcError("BMC said no to the boot device");
    }
    interfaces::BootDevice get_boot_device(interfaces::Task&) override { return {}; }
    std::vector<std::string> get_supported_boot_devices(const interfaces::Task&) const override { return {}; }
    void insert_virtual_media(interfaces::Task&, const std::string& device, const std::string& url) override {
        calls.push_back("insert " + device + " " + url);
        if (fail_insert) throw interfaces::BmcError("BMC said no to the insert");
    }
    void eject_virtual_media(interfaces::Task&, const std::string& device) override {
        calls.push_back("eject " + device);
        if (fail_eject) throw interfaces::BmcError("BMC said no to the eject");
    }

    std::vector<std::string> calls;
    bool fail_boot_device = false, fail_insert = false, fail_eject = false;
};

// Boot devices only, no virtual media (as ipmitool).
class BootDeviceOnly : public interfaces::ManagementInterface {
public:
    void set_boot_device(interfaces::Task&, const std::string&, bool) override {}
    interfaces::BootDevice get_boot_device(interfaces::Task&) override { return {}; }
    std::vector<std::string> get_supported_boot_devices(const interfaces::Task&) const override { return {}; }
};

constexpr const char* kUuid = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";

class RedfishVirtualMediaTest : public ::testing::Test {
protected:
    void SetUp() override {
        write_file(path("vmlinuz"), "dummy kernel");
        write_file(path("initrd"), "dummy initrd");
        write_file(path("prebuilt.iso"), "a prebuilt ISO");
        settings_.api_url = "http://10.0.2.2:6385";
        settings_.http_root = path("http");
        settings_.http_url = "http://10.0.2.2:6385/boot";
        settings_.kernel_append_params = "console=ttyS0";
        settings_.image_sources.files.allowed_paths = {dir_.path()};
        settings_.image_cache = std::make_shared<ImageCache>(path("master"), 1ull << 30, settings_.image_sources);
    }

    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }

    interfaces::Task task(json driver_info, interfaces::ManagementInterface* management) {
        interfaces::Task t(json({{"uuid", kUuid},
                                 {"management_interface", management == &plain_ ? "ipmitool" : "redfish"},
                                 {"driver_info", driver_info}}));
        t.set_driver({&boot(), nullptr, management});
        return t;
    }

    RedfishVirtualMediaBoot& boot() {
        if (!boot_) boot_ = std::make_unique<RedfishVirtualMediaBoot>(settings_);
        return *boot_;
    }

    json images() const { return {{"deploy_kernel", path("vmlinuz")}, {"deploy_ramdisk", "file://" + path("initrd")}}; }
    std::string node_iso() const { return path("http/redfish/") + kUuid + ".iso"; }
    std::string node_url() const { return std::string("http://10.0.2.2:6385/boot/redfish/") + kUuid + ".iso"; }

    test::TempDir dir_;
    BootSettings settings_;
    std::unique_ptr<RedfishVirtualMediaBoot> boot_;
    RecordingManagement bmc_;
    BootDeviceOnly plain_;
};

TEST_F(RedfishVirtualMediaTest, ValidateNamesWhatIsMissing) {
    EXPECT_NO_THROW(boot().validate(task(images(), &bmc_)));

    try {
        boot().validate(task(images(), &plain_));
        FAIL() << "no error";
    } catch (const interfaces::InvalidParameter& e) {
        EXPECT_NE(std::string(e.what()).find("management interface ipmitool cannot attach virtual media"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(boot().validate(task(images(), nullptr)), interfaces::InvalidParameter);
    // The API's validation composes no driver: only the images are checked.
    EXPECT_NO_THROW(boot().validate(interfaces::Task(json({{"uuid", kUuid}, {"driver_info", images()}}))));

    EXPECT_THROW(boot().validate(task(json::object(), &bmc_)), interfaces::MissingParameter);
    try {
        boot().validate(task({{"deploy_kernel", path("gone")}, {"deploy_ramdisk", path("initrd")}}, &bmc_));
        FAIL() << "no error";
    } catch (const ingot::FileSourceRefused& e) {
        EXPECT_NE(std::string(e.what()).find("driver_info/deploy_kernel: The local image source " + path("gone") +
                                             " is refused: it cannot be resolved"),
                  std::string::npos)
            << e.what();
    }
    // A prebuilt ISO replaces kernel and ramdisk.
    EXPECT_NO_THROW(boot().validate(task({{"redfish_deploy_iso", path("prebuilt.iso")}}, &bmc_)));
    EXPECT_THROW(boot().validate(task({{"redfish_deploy_iso", "file:///no/such.iso"}}, &bmc_)),
                 ingot::FileSourceRefused);
    EXPECT_THROW(boot().validate(task({{"redfish_deploy_iso", "file:///etc/passwd"}}, &bmc_)),
                 ingot::FileSourceRefused);

    std::vector<std::string> names;
    for (const auto& p : boot().properties()) names.push_back(p.name);
    EXPECT_EQ(names, (std::vector<std::string>{"deploy_kernel", "deploy_ramdisk", "kernel_append_params",
                                               "redfish_deploy_iso"}));
}

TEST_F(RedfishVirtualMediaTest, PrepareRamdiskBuildsInsertsAndBootsTheCdOnce) {
    write_file(path("api-ca.pem"), x509::make_self_signed("ca.example").certificate_pem);
    settings_.api_ca_file = path("api-ca.pem");
    auto t = task(images(), &bmc_);
    t.set_ports(json::array({{{"address", "52:54:00:AB:CD:01"}}}));
    boot().prepare_ramdisk(t, {{"ipa-debug", "1"}});
    ASSERT_EQ(bmc_.calls.size(), 3u);
    EXPECT_EQ(bmc_.calls[0], "eject cd");
    EXPECT_EQ(bmc_.calls[2], "boot cdrom once");

    // The node's own ISO, at a name with a secret in it, 0600, no link to
    // anything in the image cache.
    const std::string prefix = std::string("insert cd http://10.0.2.2:6385/boot/redfish/") + kUuid + "-";
    ASSERT_EQ(bmc_.calls[1].rfind(prefix, 0), 0u) << bmc_.calls[1];
    const std::string name = bmc_.calls[1].substr(bmc_.calls[1].rfind('/') + 1);
    const std::string iso = path("http/redfish/") + name;
    ASSERT_TRUE(fs::exists(iso));
    EXPECT_EQ(fs::hard_link_count(iso), 1u);
    EXPECT_EQ(fs::status(iso).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    EXPECT_FALSE(fs::exists(node_iso())) << "the guessable name serves nothing";

    // Its command line carries the token it minted (pregenerated), and the
    // API's CA rides along as a second initrd.
    const json& internal = t.driver_internal_info();
    const std::string token = internal.value("agent_secret_token", "");
    ASSERT_GE(token.size(), 32u);
    EXPECT_EQ(internal.value("agent_secret_token_pregenerated", false), true);
    fs::remove(path("grub.cfg"));
    auto r = run_process({"xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/boot/grub/grub.cfg", path("grub.cfg")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string cfg = read_file(path("grub.cfg"));
    EXPECT_NE(cfg.find("linux /vmlinuz console=ttyS0 ipa-api-url=http://10.0.2.2:6385 BOOTIF=01-52-54-00-ab-cd-01 "
                       "boot_method=vmedia ipa-agent-token=" + token + " ipa-debug=1\n"),
              std::string::npos)
        << cfg;
    EXPECT_NE(cfg.find("initrd /initrd /extra.cpio\n"), std::string::npos) << cfg;

    // Booting again: another token, another ISO; the first is gone.
    bmc_.calls.clear();
    boot().prepare_ramdisk(t, {});
    EXPECT_NE(t.driver_internal_info().value("agent_secret_token", ""), token);
    EXPECT_FALSE(fs::exists(iso));

    boot().clean_up_ramdisk(t);
    EXPECT_EQ(bmc_.calls.back(), "eject cd");
    EXPECT_TRUE(fs::is_empty(path("http/redfish")));
}

TEST_F(RedfishVirtualMediaTest, APrebuiltIsoIsServedAsIs) {
    auto t = task({{"redfish_deploy_iso", "file://" + path("prebuilt.iso")}}, &bmc_);
    boot().prepare_ramdisk(t, {});
    EXPECT_EQ(read_file(node_iso()), "a prebuilt ISO");
    EXPECT_EQ(bmc_.calls.at(1), "insert cd " + node_url());

    bmc_.calls.clear();
    boot().prepare_instance(t);
    EXPECT_EQ(bmc_.calls, (std::vector<std::string>{"eject cd", "boot disk persistent"}));
    EXPECT_FALSE(fs::exists(node_iso()));
}

TEST_F(RedfishVirtualMediaTest, AFailureHalfWayLeavesNothingAttached) {
    auto t = task({{"redfish_deploy_iso", path("prebuilt.iso")}}, &bmc_);
    bmc_.fail_boot_device = true;
    try {
        boot().prepare_ramdisk(t, {});
        FAIL() << "no error";
    } catch (const interfaces::BmcError& e) {
        EXPECT_STREQ(e.what(), "BMC said no to the boot device");  // the cause, not the clean-up's
    }
    EXPECT_EQ(bmc_.calls,
              (std::vector<std::string>{"eject cd", "insert cd " + node_url(), "boot cdrom once", "eject cd"}));
    EXPECT_FALSE(fs::exists(node_iso()));

    // An ISO that cannot be had: never inserted.
    bmc_.calls.clear();
    bmc_.fail_boot_device = false;
    auto missing = task({{"redfish_deploy_iso", "http://127.0.0.1:1/none.iso"}}, &bmc_);
    EXPECT_THROW(boot().prepare_ramdisk(missing, {}), ImageFetchError);
    EXPECT_EQ(bmc_.calls, (std::vector<std::string>{"eject cd", "eject cd"}));
    EXPECT_FALSE(fs::exists(node_iso()));

    // Without virtual media nothing is tried at all.
    auto plain = task(images(), &plain_);
    EXPECT_THROW(boot().prepare_ramdisk(plain, {}), interfaces::InvalidParameter);
}

TEST_F(RedfishVirtualMediaTest, AnEjectFailureDuringCleanUpIsNotFatal) {
    auto t = task({{"redfish_deploy_iso", path("prebuilt.iso")}}, &bmc_);
    boot().prepare_ramdisk(t, {});
    bmc_.fail_eject = true;
    EXPECT_NO_THROW(boot().clean_up_instance(t));
    EXPECT_FALSE(fs::exists(node_iso()));
}

}  // namespace
