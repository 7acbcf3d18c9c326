// A real ingot-vbmc process over HTTPS with a test CA: TLS verification,
// authentication, sessions, power/boot/media, fault injection and tasks;
// then the QEMU backend with a real (TCG) qemu-system-x86_64.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <optional>
#include <thread>

#include "common/http_client.h"
#include "common/process.h"
#include "http/server.h"
#include "tests/support/vbmc_process.h"

using namespace ingot;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

class VbmcTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        test::VbmcOptions options;
        options.fault_injection = true;
        vbmc_ = new test::VbmcProcess(options);
    }
    static void TearDownTestSuite() {
        delete vbmc_;
        vbmc_ = nullptr;
    }
    void TearDown() override {
        for (const auto& id : {"node-0", "node-1"}) vbmc_->set_fault(id, "none");
    }

    static HttpClient client() { return vbmc_->client(); }
    static json get(const std::string& path) {
        auto r = client().request("GET", path);
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return json::parse(r.body, nullptr, false);
    }

    static test::VbmcProcess* vbmc_;
};
test::VbmcProcess* VbmcTest::vbmc_ = nullptr;

TEST_F(VbmcTest, ServesHttpsThatOnlyTheTestCaVerifies) {
    auto root = get("/redfish/v1");
    EXPECT_EQ(root["Systems"]["@odata.id"], "/redfish/v1/Systems");
    EXPECT_EQ(vbmc_->system_ids(), (std::vector<std::string>{"node-0", "node-1"}));

    HttpClient system_cas(vbmc_->url(), std::chrono::seconds(5));
    EXPECT_THROW(system_cas.request("GET", "/redfish/v1"), HttpTlsError);
    HttpClient unverified(vbmc_->url(), std::chrono::seconds(5));
    unverified.set_tls_verification({false, ""});
    EXPECT_EQ(unverified.request("GET", "/redfish/v1").status, 200);
    HttpClient plain("http://127.0.0.1:" + std::to_string(vbmc_->port()), std::chrono::seconds(5));
    EXPECT_THROW(plain.request("GET", "/redfish/v1"), HttpTransportError);
}

TEST_F(VbmcTest, CredentialsAreRequiredBeyondTheServiceRoot) {
    HttpClient anonymous(vbmc_->url(), std::chrono::seconds(5));
    anonymous.set_tls_verification({true, vbmc_->ca_file()});
    EXPECT_EQ(anonymous.request("GET", "/redfish/v1").status, 200);
    auto r = anonymous.request("GET", "/redfish/v1/Systems/node-0");
    EXPECT_EQ(r.status, 401);
    auto error = json::parse(r.body)["error"];
    EXPECT_EQ(error["code"], "Base.1.0.GeneralError");
    EXPECT_EQ(error["@Message.ExtendedInfo"][0]["MessageId"], "Base.1.0.NoValidSession");

    anonymous.set_basic_auth("admin", "wrong");
    EXPECT_EQ(anonymous.request("GET", "/redfish/v1/Systems/node-0").status, 401);
}

TEST_F(VbmcTest, SessionTokenWorksUntilDeleted) {
    HttpClient c(vbmc_->url(), std::chrono::seconds(5));
    c.set_tls_verification({true, vbmc_->ca_file()});
    auto created = c.request("POST", "/redfish/v1/SessionService/Sessions",
                             json{{"UserName", "admin"}, {"Password", "password"}}.dump());
    ASSERT_EQ(created.status, 201) << created.body;
    auto token = created.header("X-Auth-Token");
    auto location = created.header("Location");
    ASSERT_TRUE(token && location);
    c.set_default_header("X-Auth-Token", *token);
    EXPECT_EQ(c.request("GET", "/redfish/v1/Systems/node-1").status, 200);
    EXPECT_EQ(c.request("GET", *location).status, 200);
    EXPECT_EQ(c.request("DELETE", *location).status, 204);
    EXPECT_EQ(c.request("GET", "/redfish/v1/Systems/node-1").status, 401);
}

TEST_F(VbmcTest, PowerBootAndMediaSeenFromBothSides) {
    auto c = client();
    const std::string system = "/redfish/v1/Systems/node-0";
    auto bad = c.request("PATCH", system, R"({"Boot":{"BootSourceOverrideTarget":"Floppy2"}})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(json::parse(bad.body)["error"]["@Message.ExtendedInfo"][0]["RelatedProperties"][0],
              "#/Boot/BootSourceOverrideTarget");
    EXPECT_EQ(
        c.request("PATCH", system, R"({"Boot":{"BootSourceOverrideTarget":"Cd","BootSourceOverrideEnabled":"Once"}})")
            .status,
        204);
    EXPECT_EQ(c.request("POST", system + "/Actions/ComputerSystem.Reset", R"({"ResetType":"On"})").status, 204);
    EXPECT_EQ(get(system)["PowerState"], "On");
    auto state = vbmc_->state("node-0");
    EXPECT_EQ(state["power_state"], "On");
    EXPECT_EQ(state["last_boot_target"], "Cd");
    EXPECT_EQ(state["boot"]["enabled"], "Disabled");

    const std::string cd = "/redfish/v1/Managers/node-0/VirtualMedia/Cd";
    EXPECT_EQ(
        c.request("POST", cd + "/Actions/VirtualMedia.InsertMedia", R"({"Image":"https://images/ipa.iso"})").status,
        204);
    EXPECT_EQ(get(cd)["Image"], "https://images/ipa.iso");
    EXPECT_EQ(vbmc_->state("node-0")["media"]["Cd"]["inserted"], true);
    EXPECT_EQ(c.request("POST", cd + "/Actions/VirtualMedia.EjectMedia", "{}").status, 204);
    EXPECT_TRUE(vbmc_->state("node-0")["media"]["Cd"]["image"].is_null());

    EXPECT_EQ(c.request("POST", system + "/Actions/ComputerSystem.Reset", R"({"ResetType":"ForceOff"})").status, 204);
    EXPECT_EQ(vbmc_->state("node-0")["power_state"], "Off");
    EXPECT_EQ(c.request("GET", "/redfish/v1/Systems/node-9").status, 404);
    EXPECT_EQ(c.request("PUT", system, "{}").status, 405);
}

TEST_F(VbmcTest, FaultModes) {
    auto c = client();
    vbmc_->set_fault("node-0", "malformed-json");
    auto r = c.request("GET", "/redfish/v1/Systems/node-0");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(json::parse(r.body, nullptr, false).is_discarded()) << r.body;

    vbmc_->set_fault("node-0", "error-500");
    EXPECT_EQ(c.request("GET", "/redfish/v1/Systems/node-0").status, 500);
    vbmc_->set_fault("node-0", "unavailable-503");
    EXPECT_EQ(c.request("GET", "/redfish/v1/Managers/node-0").status, 503);
    EXPECT_EQ(c.request("GET", "/redfish/v1/Systems/node-1").status, 200);

    vbmc_->set_fault("node-0", "hang");
    auto quick = vbmc_->client(std::chrono::milliseconds(700));
    auto t0 = Clock::now();
    EXPECT_THROW(quick.request("GET", "/redfish/v1/Systems/node-0"), HttpTimeoutError);
    EXPECT_LT(ms_since(t0), 5000);
    // The hang holds no HTTP thread: everything else still answers.
    for (int i = 0; i < 4; ++i) EXPECT_EQ(c.request("GET", "/redfish/v1/Systems/node-1").status, 200);
    EXPECT_EQ(vbmc_->state("node-0")["fault"], "hang");

    // A held request is answered (503) when the mode changes.
    std::optional<long> late_status;
    std::thread waiter([&] { late_status = vbmc_->client().request("GET", "/redfish/v1/Systems/node-0").status; });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    vbmc_->set_fault("node-0", "none");
    waiter.join();
    EXPECT_EQ(late_status, 503);
    EXPECT_EQ(c.request("GET", "/redfish/v1/Systems/node-0").status, 200);
}

TEST_F(VbmcTest, RedfishGetLatency) {
    auto c = client();
    c.request("GET", "/redfish/v1/Systems/node-0");  // connect and handshake once
    const int n = 200;
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) ASSERT_EQ(c.request("GET", "/redfish/v1/Systems/node-0").status, 200);
    const double per_get = ms_since(t0) / n;
    auto t1 = Clock::now();
    for (int i = 0; i < 20; ++i) EXPECT_EQ(client().request("GET", "/redfish/v1/Systems/node-0").status, 200);
    const double per_new_connection = ms_since(t1) / 20;
    std::printf("[ timing ] Redfish GET over HTTPS: %.2f ms kept-alive, %.2f ms with a new TLS connection\n", per_get,
                per_new_connection);
    RecordProperty("get_ms_keepalive", std::to_string(per_get));
    EXPECT_LT(per_get, 50.0);
}

TEST(VbmcTasks, AsyncResetAnswersWithATaskMonitor) {
    test::VbmcOptions options;
    options.async_tasks = true;
    options.memory_systems = 1;
    options.extra_args = {"--task-duration-ms", "400"};
    test::VbmcProcess vbmc(options);
    auto c = vbmc.client();
    auto r = c.request("POST", "/redfish/v1/Systems/node-0/Actions/ComputerSystem.Reset", R"({"ResetType":"On"})");
    ASSERT_EQ(r.status, 202) << r.body;
    auto monitor = r.header("Location");
    ASSERT_TRUE(monitor.has_value());
    auto first = c.request("GET", *monitor);
    EXPECT_EQ(first.status, 202);
    EXPECT_EQ(json::parse(first.body)["TaskState"], "Running");
    json last;
    for (int i = 0; i < 100; ++i) {
        auto poll = c.request("GET", *monitor);
        last = json::parse(poll.body);
        if (poll.status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(last["TaskState"], "Completed");
    EXPECT_EQ(vbmc.state("node-0")["power_state"], "On");
}

// --- QEMU backend ---

// 'R', 'S', 'Z'... from /proc/PID/stat; 0 when there is no such process.
char process_state(long pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(f, stat)) return 0;
    auto paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

bool alive(long pid) {
    char s = process_state(pid);
    return s != 0 && s != 'Z';  // a zombie is dead (see notes/qemu-and-bmc.md)
}

bool have_qemu() {
    try {
        ProcessOptions o;
        o.log = false;
        o.timeout = std::chrono::seconds(10);
        return run_process({"qemu-system-x86_64", "--version"}, o).exit_code == 0;
    } catch (const std::exception&) {
        return false;
    }
}

class VbmcQemuTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_qemu()) GTEST_SKIP() << "qemu-system-x86_64 is not installed (scripts/install-deps --test)";
        // The "ISO": any bytes do for attaching; the guest never reads it.
        image_server_ = std::make_unique<http::Server>(
            [](http::Request& r) {
                http::Response resp;
                resp.status = r.path == "/small.iso" ? 200 : 404;
                resp.body = resp.status == 200 ? std::string(64 * 1024, 'I') : "";
                return resp;
            },
            http::ServerOptions{"127.0.0.1", 0, 1});
        image_server_->start();
        test::VbmcOptions options;
        options.config_json = R"({"systems": [{"id": "vm-0", "backend": "qemu",
            "qemu": {"memory_mib": 96, "max_runtime_s": 120, "graceful_timeout_s": 5}}]})";
        vbmc_ = std::make_unique<test::VbmcProcess>(options);
    }
    void TearDown() override {
        if (vbmc_) vbmc_->stop();
        // Belt and braces: ingot-vbmc stops its QEMUs, but never leave one.
        for (long pid : pids_)
            if (alive(pid)) kill(static_cast<pid_t>(pid), SIGKILL);
        vbmc_.reset();
        image_server_.reset();
    }

    long reset(const std::string& type) {
        auto t0 = Clock::now();
        auto r = vbmc_->client(std::chrono::seconds(60))
                     .request("POST", "/redfish/v1/Systems/vm-0/Actions/ComputerSystem.Reset",
                              json{{"ResetType", type}}.dump());
        EXPECT_EQ(r.status, 204) << type << ": " << r.body << "\n" << vbmc_->log();
        std::printf("[ timing ] QEMU %s: %.0f ms\n", type.c_str(), ms_since(t0));
        return r.status;
    }
    std::string power() {
        auto r = vbmc_->client().request("GET", "/redfish/v1/Systems/vm-0");
        return json::parse(r.body)["PowerState"];
    }
    long qemu_pid() {
        auto s = vbmc_->state("vm-0");
        if (s["qemu"]["pid"].is_null()) return 0;
        long pid = s["qemu"]["pid"];
        pids_.push_back(pid);
        return pid;
    }
    std::string image_url() const { return "http://127.0.0.1:" + std::to_string(image_server_->port()) + "/small.iso"; }

    std::unique_ptr<http::Server> image_server_;
    std::unique_ptr<test::VbmcProcess> vbmc_;
    std::vector<long> pids_;
};

TEST_F(VbmcQemuTest, PowerMediaAndBootOrderDriveARealQemu) {
    EXPECT_EQ(power(), "Off");
    reset("On");
    EXPECT_EQ(power(), "On");
    const long pid = qemu_pid();
    ASSERT_GT(pid, 0);
    EXPECT_TRUE(alive(pid));
    auto state = vbmc_->state("vm-0");
    EXPECT_EQ(state["qemu"]["status"], "running");
    EXPECT_TRUE(state["qemu"]["block"]["cd0"].is_null());

    // Insert while on: downloaded, then attached through QMP.
    auto c = vbmc_->client(std::chrono::seconds(60));
    const std::string cd = "/redfish/v1/Managers/vm-0/VirtualMedia/Cd";
    auto r = c.request("POST", cd + "/Actions/VirtualMedia.InsertMedia", json{{"Image", image_url()}}.dump());
    ASSERT_EQ(r.status, 204) << r.body;
    state = vbmc_->state("vm-0");
    const std::string media_file = state["qemu"]["state_dir"].get<std::string>() + "/media-Cd.img";
    EXPECT_EQ(state["qemu"]["block"]["cd0"]["file"], media_file);
    EXPECT_EQ(state["qemu"]["block"]["cd0"]["read_only"], true);
    EXPECT_EQ(state["media"]["Cd"]["image"], image_url());
    EXPECT_EQ(c.request("GET", cd).body.find("\"Inserted\":true") != std::string::npos, true);
    // A URL that does not download is the client's error.
    r = c.request("POST", "/redfish/v1/Managers/vm-0/VirtualMedia/Floppy/Actions/VirtualMedia.InsertMedia",
                  json{{"Image", image_url() + ".missing"}}.dump());
    EXPECT_EQ(r.status, 400) << r.body;

    // ForceRestart is a new process, booting the CD first (bootindex 1),
    // with the inserted image on its command line.
    EXPECT_EQ(c.request("PATCH", "/redfish/v1/Systems/vm-0",
                        R"({"Boot":{"BootSourceOverrideTarget":"Cd","BootSourceOverrideEnabled":"Once"}})")
                  .status,
              204);
    reset("ForceRestart");
    const long pid2 = qemu_pid();
    EXPECT_NE(pid2, pid);
    EXPECT_FALSE(alive(pid));
    state = vbmc_->state("vm-0");
    const auto argv = state["qemu"]["argv"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(argv.begin(), argv.end(), "ide-cd,drive=cd0,id=vbmc-cd,bootindex=1"), argv.end());
    EXPECT_EQ(state["qemu"]["block"]["cd0"]["file"], media_file);
    EXPECT_EQ(state["boot"]["enabled"], "Disabled");

    r = c.request("POST", cd + "/Actions/VirtualMedia.EjectMedia", "");
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(vbmc_->state("vm-0")["qemu"]["block"]["cd0"].is_null());

    // The guest "powers itself off": QEMU exits, the BMC reads Off.
    kill(static_cast<pid_t>(pid2), SIGTERM);
    auto t0 = Clock::now();
    while (power() == "On" && ms_since(t0) < 5000) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(power(), "Off");
    EXPECT_FALSE(alive(pid2));

    reset("On");
    const long pid3 = qemu_pid();
    EXPECT_TRUE(alive(pid3));
    reset("ForceOff");
    EXPECT_EQ(power(), "Off");
    EXPECT_FALSE(alive(pid3));
    EXPECT_EQ(process_state(pid3), 0) << "ingot-vbmc must reap its QEMU";
}

}  // namespace
