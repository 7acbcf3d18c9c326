// Test support: talking to a conductor's REST API the way a client does —
// a latest-microversion client, Ironic's error body, and waiting for a
// node's power action to finish.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "common/http_client.h"

namespace ingot::test {

inline HttpClient api_client(const std::string& url, const std::string& version = "latest") {
    HttpClient c(url, std::chrono::seconds(30));
    c.set_default_header("X-OpenStack-Ironic-API-Version", version);
    return c;
}

// The inner fault of an Ironic error body.
inline nlohmann::json api_fault(const HttpResponse& r) {
    return nlohmann::json::parse(nlohmann::json::parse(r.body).at("error_message").get<std::string>());
}

inline nlohmann::json get_node(HttpClient& c, const std::string& node) {
    return nlohmann::json::parse(c.request("GET", "/v1/nodes/" + node).body);
}

// Polls until the node's power action is over (no target, no lock) or
// `limit` passes; returns the node as last read.
inline nlohmann::json wait_for_power_action(HttpClient& c, const std::string& node,
                                            std::chrono::seconds limit = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    nlohmann::json n;
    do {
        n = get_node(c, node);
        if (n["target_power_state"].is_null() && n["reservation"].is_null()) return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return n;
}

// Polls until `done(node)` holds for the node as the API shows it
// (unlocked) or `limit` passes; returns the node as last read.
template <typename Pred>
nlohmann::json wait_for_node(HttpClient& c, const std::string& node, Pred done,
                             std::chrono::seconds limit = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    nlohmann::json n;
    do {
        n = get_node(c, node);
        if (n["reservation"].is_null() && done(n)) return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return n;
}

inline nlohmann::json wait_for_provision_state(HttpClient& c, const std::string& node, const std::string& state) {
    return wait_for_node(c, node, [&](const nlohmann::json& n) { return n["provision_state"] == state; });
}

// PUT .../states/power and wait; returns the node afterwards.
inline nlohmann::json power_action(HttpClient& c, const std::string& node, const std::string& target,
                                   std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto r = c.request("PUT", "/v1/nodes/" + node + "/states/power", nlohmann::json({{"target", target}}).dump());
    if (r.status != 202) return {{"put_status", r.status}, {"put_body", r.body}};
    return wait_for_power_action(c, node, limit);
}

// PUT .../states/provision {"target": verb} and wait until the node has no
// target provision state and no lock; returns the node afterwards.
inline nlohmann::json provision_action(HttpClient& c, const std::string& node, const std::string& verb,
                                       std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto r = c.request("PUT", "/v1/nodes/" + node + "/states/provision", nlohmann::json({{"target", verb}}).dump());
    if (r.status != 202) return {{"put_status", r.status}, {"put_body", r.body}};
    const auto deadline = std::chrono::steady_clock::now() + limit;
    nlohmann::json n;
    do {
        n = get_node(c, node);
        if (n["target_provision_state"].is_null() && n["reservation"].is_null()) return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return n;
}

// An available fake-hardware node with `deploy_interface`, one port of
// `mac` and an image to deploy (a sha256 checksum); its UUID.
inline std::string available_agent_node(HttpClient& c, const std::string& name, const std::string& mac,
                                        const std::string& deploy_interface = "direct") {
    nlohmann::json body = {{"driver", "fake-hardware"},
                           {"name", name},
                           {"deploy_interface", deploy_interface},
                           {"automated_clean", false},
                           {"instance_info",
                            {{"image_source", "http://images.example/disk.raw"},
                             {"image_checksum", std::string(64, 'c')},
                             {"image_disk_format", "raw"}}}};
    auto r = c.request("POST", "/v1/nodes", body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return "";
    const std::string uuid = nlohmann::json::parse(r.body)["uuid"];
    r = c.request("POST", "/v1/ports", nlohmann::json({{"address", mac}, {"node_uuid", uuid}}).dump());
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(provision_action(c, uuid, "manage")["provision_state"], "manageable");
    EXPECT_EQ(provision_action(c, uuid, "provide")["provision_state"], "available");
    return uuid;
}

}  // namespace ingot::test
