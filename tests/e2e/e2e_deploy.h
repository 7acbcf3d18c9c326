// One node's deploy as an e2e test drives it through the REST API, like a
// client would: enroll (node, port, manage, provide), deploy a partition
// image with a config drive, wait. Every wait feeds the deploy's timeline
// (the node's states and the machine's console markers).
//
// Steps that can fail return "" or a message for the test's ASSERT (gtest
// cannot ASSERT in a function returning a value).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "tests/e2e/deploy_timeline.h"
#include "tests/e2e/e2e_inputs.h"
#include "tests/support/qemu_vm.h"

namespace ingot::test {

class E2EDeploy {
public:
    E2EDeploy(HttpClient& api, ConsoleLog console, std::vector<std::string> markers);

    DeployTimeline& timeline() { return timeline_; }

    // POST /v1/nodes with `node`, a port for `mac`, manage and provide
    // (no cleaning configured: no boot); then the node's power, management
    // and boot interfaces must validate. The node's UUID in `uuid`; "" or
    // the step that failed.
    std::string enroll(const nlohmann::json& node, const std::string& mac, std::string& uuid);

    // instance_info for `image` fetched from `image_url` (as the agent
    // reaches it), root_gb 1, then PUT provision active with a config drive
    // whose meta_data.json holds the node's uuid and name (built in
    // `work_dir`, which keeps it as config-drive.iso).
    std::string start_partition_deploy(const std::string& uuid, const std::string& image_url,
                                       const InstanceImage& image, const std::string& work_dir);

    // start_partition_deploy, then polls until the deploy is over (active
    // or deploy failed, unlocked) or `limit` passes, and prints the
    // timeline. "" when the node ended active, powered on, without
    // last_error; else what went wrong with the node as last read.
    std::string deploy_to_active(const std::string& uuid, const std::string& image_url, const InstanceImage& image,
                                 const std::string& work_dir, std::chrono::seconds limit);
    // Polls the node until `done` or `limit`.
    nlohmann::json wait_node(const std::string& uuid, const std::function<bool(const nlohmann::json&)>& done,
                             std::chrono::seconds limit);
    // Waits for `pattern` on the console after byte `from`; the matched text
    // or "" when it never showed.
    std::string wait_console(const std::regex& pattern, std::size_t from, std::chrono::seconds limit,
                             const std::string& uuid);

    // The timeline with the node's history from the API.
    std::string report(const std::string& uuid);

private:
    HttpClient& api_;
    ConsoleLog console_;
    DeployTimeline timeline_;
};

}  // namespace ingot::test
