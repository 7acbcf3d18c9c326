// Test support: a scripted ramdisk agent. An in-process http::Server that
// speaks IPA's command API (POST/GET /v1/commands/, agent_token in the query)
// and answers each command as the test says, so the conductor's agent deploy
// can be driven without a ramdisk. Like ingot-agent, it serves HTTPS with a
// self-signed certificate for 127.0.0.1 made at start (auto-TLS), which a
// heartbeat sends as agent_verify_ca; Plain::yes serves plain HTTP instead.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/x509.h"
#include "http/server.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

using nlohmann::json;

// An agent whose commands finish as each test says: synchronous commands
// (wait=true) answer their final result at once; others stay RUNNING until
// finish() (or answer at once when `immediate`).
class ScriptedAgent {
public:
    // deploy.get_deploy_steps as IPA answers it with only write_image.
    static json write_image_deploy_steps() {
        return {{"deploy_steps",
                 {{"GenericHardwareManager", {{{"step", "write_image"}, {"priority", 0}, {"interface", "deploy"}}}}}},
                {"hardware_manager_version", {{"generic_hardware_manager", "1.2"}}}};
    }

    struct Behaviour {
        std::string status = "SUCCEEDED";  // final status
        json result = nullptr;
        json error = nullptr;
        int http_status = 200;   // e.g. 409: refuse the command
        bool immediate = false;  // async commands finish at once
    };

    enum class Plain { no, yes };

    explicit ScriptedAgent(std::string token = "", Plain plain = Plain::no)
        : token_(std::move(token)),
          tls_(plain == Plain::no ? x509::make_self_signed("127.0.0.1") : x509::KeyAndCertificate{}),
          server_([this](http::Request& r) { return answer(r); }, server_options()) {
        server_.start();
    }
    ~ScriptedAgent() { server_.stop(); }

    std::string url() const {
        return (tls_.certificate_pem.empty() ? "http://" : "https://") + std::string("127.0.0.1:") +
               std::to_string(server_.port());
    }
    // What a heartbeat sends as agent_verify_ca; empty when plain.
    const std::string& certificate_pem() const { return tls_.certificate_pem; }
    // The token the agent accepts (it learnt it at lookup).
    void set_token(std::string token) {
        std::lock_guard lock(mutex_);
        token_ = std::move(token);
    }

    void on(const std::string& name, Behaviour b) {
        std::lock_guard lock(mutex_);
        behaviour_[name] = std::move(b);
    }
    // The RUNNING command finishes with its behaviour's status.
    void finish() {
        std::lock_guard lock(mutex_);
        for (auto& c : commands_) {
            if (c["command_status"] != "RUNNING") continue;
            const Behaviour& b = behaviour_[c["full_name"].get<std::string>()];
            c["command_status"] = b.status;
            c["command_result"] = b.result;
            c["command_error"] = b.error;
        }
    }
    // Names of the commands run, in order.
    std::vector<std::string> ran() {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& c : commands_) out.push_back(c["full_name"]);
        return out;
    }
    // The params of the last run of `name`.
    json params_of(const std::string& name) {
        std::lock_guard lock(mutex_);
        for (auto it = commands_.rbegin(); it != commands_.rend(); ++it)
            if ((*it)["full_name"] == name) return (*it)["command_params"];
        return nullptr;
    }
    struct Seen {
        std::string method, path, wait, token, body;
    };
    std::vector<Seen> requests() {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    http::ServerOptions server_options() {
        http::ServerOptions o{"127.0.0.1", 0, 2};
        if (tls_.certificate_pem.empty()) return o;
        o.tls_cert_file = dir_.path() + "/cert.pem";
        o.tls_key_file = dir_.path() + "/key.pem";
        std::ofstream(o.tls_cert_file) << tls_.certificate_pem;
        std::ofstream(o.tls_key_file) << tls_.private_key_pem;
        return o;
    }

    http::Response answer(const http::Request& r) {
        std::lock_guard lock(mutex_);
        requests_.push_back(
            {r.method, r.path, r.query_value("wait").value_or(""), r.query_value("agent_token").value_or(""), r.body});
        if (r.query_value("agent_token").value_or("") != token_)
            return {401, R"({"faultcode": "Client", "faultstring": "Token invalid."})"};
        if (r.method == "GET") {
            json list = json::array();
            for (json c : commands_) {
                c.erase("full_name");
                list.push_back(c);
            }
            return {200, json{{"commands", list}}.dump()};
        }
        json body = json::parse(r.body);
        const std::string name = body["name"];
        Behaviour b = behaviour_.count(name) ? behaviour_[name] : Behaviour{};
        if (b.http_status != 200)
            return {b.http_status, json{{"faultcode", "Client"}, {"faultstring", "Agent is busy"}}.dump()};
        const bool wait = r.query_value("wait").value_or("") == "true";
        // IPA reports the command without its extension.
        json c = {{"id", "cmd-" + std::to_string(commands_.size())},
                  {"command_name", name.substr(name.find('.') + 1)},
                  {"full_name", name},
                  {"command_params", body["params"]},
                  {"command_status", "RUNNING"},
                  {"command_result", nullptr},
                  {"command_error", nullptr}};
        if (wait || b.immediate) {
            c["command_status"] = b.status;
            c["command_result"] = b.result;
            c["command_error"] = b.error;
        }
        commands_.push_back(c);
        c.erase("full_name");
        return {200, c.dump()};
    }

    std::string token_;
    TempDir dir_;
    x509::KeyAndCertificate tls_;
    std::mutex mutex_;
    std::map<std::string, Behaviour> behaviour_;
    json commands_ = json::array();
    std::vector<Seen> requests_;
    http::Server server_;
};

}  // namespace ingot::test
