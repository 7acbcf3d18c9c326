// The `ingot` CLI's node actions against a real ingot-conductor (fake
// hardware): provisioning verbs and power with --wait, the boot device, the
// node history, and how failures are reported. The --wait timeout, which no
// fake-hardware action lasts long enough to reach, and `abort --wait`, which
// needs a wait state fake hardware never enters, run against a tiny stub
// server that always answers with the same node. Every command runs the
// built binary as a child process (argument vectors, no shell).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/cli_fixture.h"

namespace ingot::test {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& fragment) {
    return text.find(fragment) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// With --wait and stdout not a terminal: plain progress lines, each
// "NODE: STATE (N.N s)", the last one the state reached.
void expect_progress_ends_in(const RunResult& r, const std::string& node, const std::string& state) {
    auto lines = lines_of(r.out);
    ASSERT_FALSE(lines.empty()) << "no progress output";
    for (const auto& line : lines) {
        EXPECT_EQ(line.rfind(node + ": ", 0), 0u) << line;
        EXPECT_TRUE(line.size() > 4 && line.substr(line.size() - 3) == " s)") << line;
        EXPECT_EQ(line.find('\r'), std::string::npos) << "carriage return outside a terminal: " << line;
    }
    EXPECT_EQ(lines.back().rfind(node + ": " + state + " (", 0), 0u) << r.out;
}

class CliProvisionTest : public CliFixture {
protected:
    static json node(const std::string& name) { return ingot_json({"node", "show", name}); }

    static void create_node(const std::string& name, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args = {"node", "create", "--driver", "fake-hardware", "--name", name};
        args.insert(args.end(), extra.begin(), extra.end());
        RunResult r = ingot(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    // enroll -> manageable -> available, with --wait.
    static void make_available(const std::string& name) {
        RunResult m = ingot({"node", "manage", name, "--wait", "30"});
        ASSERT_EQ(m.exit_code, 0) << m.err;
        RunResult p = ingot({"node", "provide", name, "--wait", "30"});
        ASSERT_EQ(p.exit_code, 0) << p.err;
    }
};

TEST_F(CliProvisionTest, FullLifecycleWithWait) {
    create_node("cli-life");
    EXPECT_EQ(node("cli-life")["provision_state"], "enroll");

    RunResult manage = ingot({"node", "manage", "cli-life", "--wait", "30"});
    ASSERT_EQ(manage.exit_code, 0) << manage.err;
    EXPECT_EQ(manage.err, "");
    expect_progress_ends_in(manage, "cli-life", "manageable");
    EXPECT_EQ(node("cli-life")["provision_state"], "manageable");

    // `--wait NODE`: CLI11 hands the node to --wait; the CLI takes it back
    // and waits without a limit.
    RunResult provide = ingot({"node", "provide", "--wait", "cli-life"});
    ASSERT_EQ(provide.exit_code, 0) << provide.err;
    expect_progress_ends_in(provide, "cli-life", "available");
    json available = node("cli-life");
    EXPECT_EQ(available["provision_state"], "available");
    EXPECT_TRUE(available["target_provision_state"].is_null());

    RunResult deploy = ingot({"node", "deploy", "cli-life", "--wait", "30", "--config-drive",
                              R"({"meta_data": {"hostname": "life"}})", "--deploy-steps", "[]"});
    ASSERT_EQ(deploy.exit_code, 0) << deploy.err;
    expect_progress_ends_in(deploy, "cli-life", "active");
    json active = node("cli-life");
    EXPECT_EQ(active["provision_state"], "active");
    EXPECT_TRUE(active["last_error"].is_null()) << active.dump();

    RunResult rebuild =
        ingot({"node", "rebuild", "cli-life", "--wait=30", "--config-drive", "http://example.com/cd.iso"});
    ASSERT_EQ(rebuild.exit_code, 0) << rebuild.err;
    expect_progress_ends_in(rebuild, "cli-life", "active");

    RunResult rescue = ingot({"node", "rescue", "cli-life", "--rescue-password", "r3scue", "--wait", "30"});
    ASSERT_EQ(rescue.exit_code, 0) << rescue.err;
    expect_progress_ends_in(rescue, "cli-life", "rescue");
    RunResult unrescue = ingot({"node", "unrescue", "cli-life", "--wait", "30"});
    ASSERT_EQ(unrescue.exit_code, 0) << unrescue.err;
    expect_progress_ends_in(unrescue, "cli-life", "active");

    RunResult undeploy = ingot({"node", "undeploy", "cli-life", "--wait", "30"});
    ASSERT_EQ(undeploy.exit_code, 0) << undeploy.err;
    expect_progress_ends_in(undeploy, "cli-life", "available");
    json back = node("cli-life");
    EXPECT_EQ(back["provision_state"], "available");
    EXPECT_TRUE(back["instance_uuid"].is_null());

    // Without --wait: nothing printed, 0, and the request was made.
    RunResult manage_again = ingot({"node", "manage", "cli-life"});
    ASSERT_EQ(manage_again.exit_code, 0) << manage_again.err;
    EXPECT_EQ(manage_again.out, "");
    RunResult inspect = ingot({"node", "inspect", "cli-life", "--wait", "30"});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    expect_progress_ends_in(inspect, "cli-life", "manageable");
    EXPECT_FALSE(node("cli-life")["inspection_finished_at"].is_null());

    RunResult clean = ingot({"node", "clean", "cli-life", "--clean-steps",
                             R"([{"interface": "deploy", "step": "erase_devices"}])", "--wait", "30"});
    ASSERT_EQ(clean.exit_code, 0) << clean.err;
    expect_progress_ends_in(clean, "cli-life", "manageable");

    RunResult adopt = ingot({"node", "adopt", "cli-life", "--wait", "30"});
    ASSERT_EQ(adopt.exit_code, 0) << adopt.err;
    expect_progress_ends_in(adopt, "cli-life", "active");
}

TEST_F(CliProvisionTest, PowerWithWait) {
    create_node("cli-power");
    make_available("cli-power");

    RunResult off = ingot({"node", "power", "off", "cli-power", "--wait", "30"});
    ASSERT_EQ(off.exit_code, 0) << off.err;
    expect_progress_ends_in(off, "cli-power", "power off");
    EXPECT_EQ(node("cli-power")["power_state"], "power off");

    RunResult on = ingot({"node", "power", "on", "cli-power", "--power-timeout", "10", "--wait", "30"});
    ASSERT_EQ(on.exit_code, 0) << on.err;
    expect_progress_ends_in(on, "cli-power", "power on");
    json n = node("cli-power");
    EXPECT_EQ(n["power_state"], "power on");
    EXPECT_TRUE(n["target_power_state"].is_null());

    RunResult soft_off = ingot({"node", "power", "off", "--soft", "cli-power", "--wait", "30"});
    ASSERT_EQ(soft_off.exit_code, 0) << soft_off.err;
    EXPECT_EQ(node("cli-power")["power_state"], "power off");

    // A reboot of a node that is off leaves it on.
    RunResult reboot = ingot({"node", "power", "reboot", "cli-power", "--wait", "30"});
    ASSERT_EQ(reboot.exit_code, 0) << reboot.err;
    expect_progress_ends_in(reboot, "cli-power", "power on");
    EXPECT_EQ(node("cli-power")["power_state"], "power on");

    // `baremetal node reboot` spelling, soft.
    RunResult soft_reboot = ingot({"node", "reboot", "cli-power", "--soft", "--wait", "30"});
    ASSERT_EQ(soft_reboot.exit_code, 0) << soft_reboot.err;
    EXPECT_EQ(node("cli-power")["power_state"], "power on");

    // Without --wait: no output.
    RunResult quiet = ingot({"node", "power", "off", "cli-power"});
    ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(quiet.out, "");

    // Ironic refuses timeouts below 1 s; the CLI does so before asking.
    EXPECT_EQ(ingot({"node", "power", "on", "cli-power", "--power-timeout", "0"}).exit_code, 2);
    // Soft power needs 1.27: the server's 406 is reported as one line.
    RunResult old = ingot({"--api-version", "1.20", "node", "power", "off", "--soft", "cli-power"});
    EXPECT_EQ(old.exit_code, 1);
    expect_one_error_line(old, "(HTTP 406)");
}

TEST_F(CliProvisionTest, BootDeviceSetAndShow) {
    create_node("cli-boot");

    RunResult set = ingot({"node", "boot", "device", "set", "cli-boot", "disk", "--persistent"});
    ASSERT_EQ(set.exit_code, 0) << set.err;
    EXPECT_EQ(set.out, "");
    json shown = ingot_json({"node", "boot", "device", "show", "cli-boot"});
    EXPECT_EQ(shown["boot_device"], "disk") << shown.dump();
    EXPECT_EQ(shown["persistent"], true) << shown.dump();

    RunResult table = ingot({"node", "boot", "device", "show", "cli-boot"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_TRUE(contains(table.out, "| boot_device | disk")) << table.out;
    EXPECT_TRUE(contains(table.out, "| persistent  | True")) << table.out;

    ASSERT_EQ(ingot({"node", "boot", "device", "set", "cli-boot", "pxe"}).exit_code, 0);
    shown = ingot_json({"node", "boot", "device", "show", "cli-boot"});
    EXPECT_EQ(shown["boot_device"], "pxe");
    EXPECT_EQ(shown["persistent"], false);

    // As `baremetal`: one row, the devices joined with ", "; -f json keeps
    // the server's list.
    RunResult supported = ingot({"node", "boot", "device", "show", "cli-boot", "--supported"});
    ASSERT_EQ(supported.exit_code, 0) << supported.err;
    EXPECT_TRUE(contains(supported.out, "supported_boot_devices")) << supported.out;
    EXPECT_TRUE(contains(supported.out, "pxe, disk")) << supported.out;
    json list = ingot_json({"node", "boot", "device", "show", "cli-boot", "--supported"});
    ASSERT_TRUE(list["supported_boot_devices"].is_array()) << list.dump();
    EXPECT_NE(std::find(list["supported_boot_devices"].begin(), list["supported_boot_devices"].end(), "disk"),
              list["supported_boot_devices"].end());

    // A device the management interface does not support.
    RunResult bad = ingot({"node", "boot", "device", "set", "cli-boot", "cdrom"});
    EXPECT_EQ(bad.exit_code, 1);
    expect_one_error_line(bad, "cdrom");

    RunResult missing = ingot({"node", "boot", "device", "show", "no-such-node"});
    EXPECT_EQ(missing.exit_code, 1);
    expect_one_error_line(missing, "(HTTP 404)");
}

TEST_F(CliProvisionTest, HistoryListShowsTheTransitions) {
    create_node("cli-history");
    make_available("cli-history");
    ASSERT_EQ(ingot({"node", "deploy", "cli-history", "--wait", "30"}).exit_code, 0);
    ASSERT_EQ(ingot({"node", "undeploy", "cli-history", "--wait", "30"}).exit_code, 0);

    json history = ingot_json({"node", "history", "list", "cli-history"});
    ASSERT_TRUE(history.is_array()) << history.dump();
    std::vector<std::string> events;
    for (const auto& h : history) events.push_back(h.value("event", ""));
    const std::vector<std::string> expected = {
        R"(from "enroll" to "verifying")",    R"(from "verifying" to "manageable")",
        R"(from "manageable" to "cleaning")", R"(from "cleaning" to "available")",
        R"(from "available" to "deploying")", R"(from "deploying" to "active")",
        R"(from "active" to "deleting")",     R"(from "cleaning" to "available")",
    };
    // In this order (other events may come between).
    size_t at = 0;
    for (const auto& want : expected) {
        while (at < events.size() && !contains(events[at], want)) ++at;
        ASSERT_LT(at, events.size()) << "missing, or out of order: " << want << "\n" << history.dump(2);
        ++at;
    }
    for (const auto& h : history) {
        EXPECT_TRUE(h.contains("uuid") && h.contains("created_at") && h.contains("severity")) << h.dump();
        EXPECT_FALSE(h.contains("event_type")) << "only with --long: " << h.dump();
    }

    RunResult table = ingot({"node", "history", "list", "cli-history"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_TRUE(contains(table.out, "| UUID")) << table.out;
    EXPECT_TRUE(contains(table.out, "Description of the event")) << table.out;
    EXPECT_TRUE(contains(table.out, R"(Provision state changed from "deploying" to "active")")) << table.out;
    EXPECT_FALSE(contains(table.out, "Event Origin Type")) << table.out;

    RunResult long_table = ingot({"node", "history", "list", "cli-history", "--long"});
    ASSERT_EQ(long_table.exit_code, 0) << long_table.err;
    EXPECT_TRUE(contains(long_table.out, "Event Origin Type")) << long_table.out;
    EXPECT_TRUE(contains(long_table.out, "Conductor")) << long_table.out;
    json detailed = ingot_json({"node", "history", "list", "cli-history", "--long"});
    ASSERT_FALSE(detailed.empty());
    EXPECT_EQ(detailed[0]["conductor"], "test-conductor") << detailed[0].dump();
    EXPECT_EQ(detailed[0]["event_type"], "provisioning") << detailed[0].dump();

    // History arrived in 1.78.
    RunResult old = ingot({"--api-version", "1.77", "node", "history", "list", "cli-history"});
    EXPECT_EQ(old.exit_code, 1);
    expect_one_error_line(old, "(HTTP 404)");
}

TEST_F(CliProvisionTest, FailuresAreOneLine) {
    create_node("cli-fail");

    // The conductor refuses: its message, once, and exit 1.
    RunResult from_enroll = ingot({"node", "deploy", "cli-fail", "--wait", "30"});
    EXPECT_EQ(from_enroll.exit_code, 1);
    expect_one_error_line(from_enroll, R"(The requested action "active" can not be performed on node)");
    EXPECT_TRUE(contains(from_enroll.err, R"(while it is in state "enroll". (HTTP 400))")) << from_enroll.err;
    EXPECT_EQ(from_enroll.out, "");
    EXPECT_EQ(node("cli-fail")["provision_state"], "enroll");

    RunResult abort = ingot({"node", "abort", "cli-fail"});
    EXPECT_EQ(abort.exit_code, 1);
    expect_one_error_line(abort, R"(The requested action "abort" can not be performed)");

    // Usage errors: exit 2, no request made.
    EXPECT_EQ(ingot({"node", "rescue", "cli-fail"}).exit_code, 2);           // --rescue-password missing
    EXPECT_EQ(ingot({"node", "clean", "cli-fail", "--wait"}).exit_code, 2);  // --clean-steps missing
    RunResult bad_steps = ingot({"node", "clean", "cli-fail", "--clean-steps", "not json"});
    EXPECT_EQ(bad_steps.exit_code, 2);
    expect_one_error_line(bad_steps, "--clean-steps");
    RunResult bad_wait = ingot({"node", "manage", "cli-fail", "--wait", "soon"});
    EXPECT_EQ(bad_wait.exit_code, 2);
    expect_one_error_line(bad_wait, "--wait");
    RunResult no_node = ingot({"node", "manage", "--wait", "5"});
    EXPECT_EQ(no_node.exit_code, 2);
    expect_one_error_line(no_node, "node");
    EXPECT_EQ(node("cli-fail")["provision_state"], "enroll");

    // The node lands in a failure state: the direct deploy interface cannot
    // deploy yet, so deploy ends in "deploy failed" with the conductor's
    // last_error printed on one line, exit 1.
    make_available("cli-fail");
    ASSERT_EQ(ingot({"node", "set", "cli-fail", "--deploy-interface", "direct"}).exit_code, 0);
    RunResult failed = ingot({"node", "deploy", "cli-fail", "--wait", "30"});
    EXPECT_EQ(failed.exit_code, 1);
    expect_one_error_line(failed, R"(cli-fail: ended in "deploy failed" instead of "active": )");
    json after = node("cli-fail");
    EXPECT_EQ(after["provision_state"], "deploy failed");
    ASSERT_TRUE(after["last_error"].is_string()) << after.dump();
    EXPECT_TRUE(contains(failed.err, after["last_error"].get<std::string>())) << failed.err;
    expect_progress_ends_in(failed, "cli-fail", "deploy failed");

    // And back: rebuild with a deploy interface that works.
    ASSERT_EQ(ingot({"node", "set", "cli-fail", "--deploy-interface", "fake"}).exit_code, 0);
    RunResult rebuilt = ingot({"node", "rebuild", "cli-fail", "--wait", "30"});
    EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
    EXPECT_EQ(node("cli-fail")["provision_state"], "active");
}

// A stand-in for the conductor: every GET of a node answers `node_json`,
// every PUT answers 202; requests are recorded. One connection at a time,
// closed after each answer (libcurl simply reconnects).
class StubServer {
public:
    explicit StubServer(std::string node_json) : node_json_(std::move(node_json)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
            throw std::runtime_error("stub server: cannot listen");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~StubServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<std::string> requests() {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int conn = ::accept(fd_, nullptr, nullptr);
            if (conn < 0) continue;
            handle(conn);
            ::close(conn);
        }
    }

    void handle(int conn) {
        std::string in;
        char buf[4096];
        size_t header_end = std::string::npos;
        size_t body_length = 0;
        while (true) {
            pollfd p{conn, POLLIN, 0};
            if (::poll(&p, 1, 2000) <= 0) return;
            ssize_t n = ::read(conn, buf, sizeof buf);
            if (n <= 0) return;
            in.append(buf, static_cast<size_t>(n));
            if (header_end == std::string::npos && (header_end = in.find("\r\n\r\n")) != std::string::npos) {
                std::string lower = in.substr(0, header_end);
                std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
                auto cl = lower.find("content-length:");
                if (cl != std::string::npos) body_length = std::stoul(lower.substr(cl + 15));
            }
            if (header_end != std::string::npos && in.size() >= header_end + 4 + body_length) break;
        }
        const std::string request_line = in.substr(0, in.find("\r\n"));
        const std::string body = in.substr(header_end + 4, body_length);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back(request_line + " " + body);
        }
        std::string status = "404 Not Found", out = R"({"error_message": "{\"faultstring\": \"stub\"}"})";
        if (request_line.rfind("PUT ", 0) == 0) {
            status = "202 Accepted";
            out.clear();
        } else if (request_line.rfind("GET /v1/nodes/", 0) == 0) {
            status = "200 OK";
            out = node_json_;
        }
        std::string answer = "HTTP/1.1 " + status +
                             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(out.size()) +
                             "\r\nConnection: close\r\n\r\n" + out;
        (void)!::write(conn, answer.data(), answer.size());
    }

    std::string node_json_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::string> requests_;
};

TEST(CliProvisionWaitTest, TimeoutIsReported) {
    // A deploy that never finishes.
    StubServer stub(R"({"provision_state": "deploying", "target_provision_state": "active",
                        "power_state": "power on", "target_power_state": null, "last_error": null})");
    const auto started = std::chrono::steady_clock::now();
    RunResult r = ingot_at(stub.url(), {"node", "deploy", "stuck", "--wait", "1"});
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.exit_code, 1);
    expect_one_error_line(r, R"(stuck: timed out after 1.0 s waiting for provision state "active")");
    EXPECT_TRUE(contains(r.err, "deploying → active")) << r.err;
    EXPECT_GE(took, 0.9);
    EXPECT_LT(took, 10.0);
    // Progress shown once (no terminal: one line per change).
    EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
    EXPECT_TRUE(contains(r.out, "stuck: deploying → active (")) << r.out;

    auto requests = stub.requests();
    ASSERT_GE(requests.size(), 3u);
    EXPECT_TRUE(contains(requests[0], "PUT /v1/nodes/stuck/states/provision")) << requests[0];
    EXPECT_TRUE(contains(requests[0], R"({"target":"active"})")) << requests[0];
    EXPECT_TRUE(contains(requests[1], "GET /v1/nodes/stuck?fields=")) << requests[1];
    // Polled with a growing interval: a handful of GETs in one second, not hundreds.
    EXPECT_LT(requests.size(), 12u);

    // The same for power.
    StubServer power(R"({"provision_state": "active", "target_provision_state": null,
                         "power_state": "power off", "target_power_state": "power on", "last_error": null})");
    RunResult p = ingot_at(power.url(), {"node", "power", "on", "stuck", "--power-timeout", "7", "--wait", "0.5"});
    EXPECT_EQ(p.exit_code, 1);
    expect_one_error_line(p, R"(stuck: timed out after 0.5 s waiting for power state "power on")");
    ASSERT_FALSE(power.requests().empty());
    EXPECT_TRUE(contains(power.requests()[0], R"({"target":"power on","timeout":7})")) << power.requests()[0];
}

TEST(CliProvisionWaitTest, AbortWaitsForTheFailedState) {
    StubServer stub(R"({"provision_state": "clean failed", "target_provision_state": null,
                        "power_state": "power off", "target_power_state": null,
                        "last_error": "Clean step aborted by the operator"})");
    RunResult r = ingot_at(stub.url(), {"node", "abort", "held", "--wait", "5"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    expect_progress_ends_in(r, "held", "clean failed");
    ASSERT_FALSE(stub.requests().empty());
    EXPECT_TRUE(contains(stub.requests()[0], R"({"target":"abort"})")) << stub.requests()[0];
}

TEST(CliProvisionWaitTest, RequestBodies) {
    StubServer stub(R"({"provision_state": "active", "target_provision_state": null,
                        "power_state": "power on", "target_power_state": null, "last_error": null})");
    ASSERT_EQ(ingot_at(stub.url(), {"node", "rescue", "n", "--rescue-password", "pw"}).exit_code, 0);
    ASSERT_EQ(ingot_at(stub.url(), {"node", "undeploy", "n"}).exit_code, 0);
    ASSERT_EQ(ingot_at(stub.url(), {"node", "deploy", "n", "--config-drive", "H4sICAAAAAA", "--deploy-steps",
                                    R"([{"interface": "deploy", "step": "x", "args": {}, "priority": 1}])"})
                  .exit_code,
              0);
    ASSERT_EQ(ingot_at(stub.url(), {"node", "power", "off", "n", "--soft"}).exit_code, 0);
    ASSERT_EQ(ingot_at(stub.url(), {"node", "reboot", "n"}).exit_code, 0);
    auto r = stub.requests();
    ASSERT_EQ(r.size(), 5u);
    EXPECT_TRUE(contains(r[0], R"({"rescue_password":"pw","target":"rescue"})")) << r[0];
    EXPECT_TRUE(contains(r[1], R"({"target":"deleted"})")) << r[1];
    EXPECT_TRUE(contains(r[2], R"("configdrive":"H4sICAAAAAA")")) << r[2];
    EXPECT_TRUE(contains(r[2], R"("deploy_steps":[{"args":{},"interface":"deploy","priority":1,"step":"x"}])")) << r[2];
    EXPECT_TRUE(contains(r[3], "PUT /v1/nodes/n/states/power")) << r[3];
    EXPECT_TRUE(contains(r[3], R"({"target":"soft power off"})")) << r[3];
    EXPECT_TRUE(contains(r[4], R"({"target":"rebooting"})")) << r[4];
}

}  // namespace
}  // namespace ingot::test
