// ingot-vbmc's configuration file, --memory-systems, and credentials.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

#include "common/errors.h"
#include "tests/support/conductor_process.h"
#include "vbmc/auth.h"
#include "vbmc/config.h"
#include "vbmc/media_download.h"

using namespace ingot;
using namespace ingot::vbmc;
using json = nlohmann::json;

namespace {

std::string config_error(const json& doc) {
    try {
        parse_config(doc, "/cfg");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(VbmcConfig, MemoryAndQemuSystems) {
    auto systems = parse_config(json::parse(R"({"systems": [
        {"id": "node-a", "macs": ["52:54:00:AA:00:01"], "uuid": "0B3C7A38-8D0F-4A35-9B35-4C2A8F6F1F11"},
        {"id": "vm-0", "backend": "qemu", "name": "first vm", "qemu": {
            "memory_mib": 96, "firmware": "uefi", "disk": {"path": "vm.qcow2", "format": "qcow2"},
            "nics": [{"user_options": "tftp=/srv,bootfile=pxelinux.0"}, {"mac": "52:54:00:00:00:02"}],
            "max_runtime_s": 60, "extra_args": ["-cpu", "max"]}}]})"),
                                "/cfg");
    ASSERT_EQ(systems.size(), 2u);
    EXPECT_EQ(systems[0].backend, "memory");
    EXPECT_EQ(systems[0].info.name, "node-a");
    EXPECT_EQ(systems[0].info.uuid, "0b3c7a38-8d0f-4a35-9b35-4c2a8f6f1f11");
    EXPECT_EQ(systems[0].info.macs, std::vector<std::string>{"52:54:00:aa:00:01"});

    const auto& vm = systems[1];
    EXPECT_EQ(vm.backend, "qemu");
    EXPECT_EQ(vm.info.name, "first vm");
    EXPECT_EQ(vm.info.uuid.size(), 36u);  // generated
    EXPECT_EQ(vm.qemu.memory_mib, 96);
    EXPECT_EQ(vm.info.memory_mib, 96);
    EXPECT_EQ(vm.qemu.firmware, BootMode::UEFI);
    EXPECT_EQ(vm.qemu.disk_path, "/cfg/vm.qcow2");
    ASSERT_EQ(vm.qemu.nics.size(), 2u);
    EXPECT_EQ(vm.qemu.nics[0].mac, mac_for("vm-0", 0));
    EXPECT_EQ(vm.qemu.nics[0].user_options, "tftp=/srv,bootfile=pxelinux.0");
    EXPECT_EQ(vm.info.macs, (std::vector<std::string>{mac_for("vm-0", 0), "52:54:00:00:00:02"}));
    EXPECT_EQ(vm.qemu.max_runtime_s, 60);
    EXPECT_EQ(vm.qemu.extra_args, (std::vector<std::string>{"-cpu", "max"}));
}

TEST(VbmcConfig, ErrorsNameTheKey) {
    EXPECT_NE(config_error(json::parse(R"({"systems": []})")).find("systems"), std::string::npos);
    EXPECT_NE(config_error(json::parse(R"({"systems": [{"name": "x"}]})")).find("\"id\""), std::string::npos);
    EXPECT_NE(config_error(json::parse(R"({"systems": [{"id": "a"}, {"id": "a"}]})")).find("repeats"),
              std::string::npos);
    EXPECT_NE(config_error(json::parse(R"({"systems": [{"id": "a/b"}]})")).find("\"id\""), std::string::npos);
    EXPECT_NE(config_error(json::parse(R"({"systems": [{"id": "a", "memroy_mib": 1}]})")).find("memroy_mib"),
              std::string::npos);
    EXPECT_NE(config_error(json::parse(R"({"systems": [{"id": "a", "macs": ["zz"]}]})")).find("MAC"),
              std::string::npos);
    EXPECT_NE(config_error(json::parse(R"({"systems": [{"id": "a", "backend": "xen"}]})")).find("backend"),
              std::string::npos);
    EXPECT_NE(
        config_error(json::parse(R"({"systems": [{"id": "a", "backend": "qemu", "qemu": {"firmware": "coreboot"}}]})"))
            .find("firmware"),
        std::string::npos);
    EXPECT_NE(
        config_error(json::parse(R"({"systems": [{"id": "a", "backend": "qemu", "qemu": {"memory_mib": "lots"}}]})"))
            .find("memory_mib"),
        std::string::npos);
}

TEST(VbmcConfig, MemorySystemsAndStableMacs) {
    auto systems = memory_systems(3);
    ASSERT_EQ(systems.size(), 3u);
    EXPECT_EQ(systems[2].info.id, "node-2");
    EXPECT_NE(systems[0].info.uuid, systems[1].info.uuid);
    EXPECT_EQ(mac_for("node-0", 0), mac_for("node-0", 0));
    EXPECT_NE(mac_for("node-0", 0), mac_for("node-1", 0));
    EXPECT_EQ(mac_for("node-0", 0).rfind("52:54:00:", 0), 0u);
}

TEST(VbmcAuth, BasicHeaderAndBase64) {
    EXPECT_EQ(base64_decode("YWRtaW46cGFzc3dvcmQ="), "admin:password");
    EXPECT_EQ(base64_decode("YQ=="), "a");
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_FALSE(base64_decode("YQ=").has_value());
    EXPECT_FALSE(base64_decode("Y===").has_value());
    EXPECT_FALSE(base64_decode("YQ==YQ==").has_value());
    EXPECT_FALSE(base64_decode("a*cd").has_value());
    auto up = parse_basic_auth("basic YWRtaW46cDpzcw==");  // admin:p:ss
    ASSERT_TRUE(up.has_value());
    EXPECT_EQ(up->first, "admin");
    EXPECT_EQ(up->second, "p:ss");
    EXPECT_FALSE(parse_basic_auth("Bearer abc").has_value());
    EXPECT_FALSE(parse_basic_auth("Basic bm9jb2xvbg==").has_value());  // "nocolon"
}

TEST(VbmcAuth, CredentialsAndAuthFile) {
    Credentials none;
    EXPECT_FALSE(none.enabled());
    test::TempDir dir;
    const std::string path = dir.path() + "/users";
    std::ofstream(path) << "# BMC users\nadmin:secret:with:colons\n\noperator:op\r\n";
    auto c = Credentials::load_file(path);
    EXPECT_TRUE(c.enabled());
    EXPECT_TRUE(c.check("admin", "secret:with:colons"));
    EXPECT_TRUE(c.check("operator", "op"));
    EXPECT_FALSE(c.check("admin", "secret"));
    EXPECT_FALSE(c.check("root", "op"));
    std::ofstream(path) << "justaname\n";
    EXPECT_THROW(Credentials::load_file(path), ConfigError);
    EXPECT_THROW(Credentials::load_file(dir.path() + "/missing"), ConfigError);
}

TEST(VbmcMedia, UrlChecksAndLogging) {
    EXPECT_TRUE(is_media_url("http://10.0.2.2:8080/ipa.iso"));
    EXPECT_TRUE(is_media_url("HTTPS://images/x.iso"));
    EXPECT_FALSE(is_media_url("file:///etc/shadow"));
    EXPECT_FALSE(is_media_url("http://"));
    EXPECT_FALSE(is_media_url("nfs://server/x.iso"));
    // Signatures and credentials stay out of logs.
    EXPECT_EQ(loggable_url("https://swift/v1/ipa.iso?temp_url_sig=abc&temp_url_expires=1"), "https://swift/v1/ipa.iso");
    EXPECT_EQ(loggable_url("http://user:pw@host:8080/a.iso"), "http://host:8080/a.iso");
    EXPECT_EQ(loggable_url("http://host/a@b.iso"), "http://host/a@b.iso");
}

}  // namespace
