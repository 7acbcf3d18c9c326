// `ingot node manage|provide|deploy|undeploy|rebuild|inspect|clean|abort|
// adopt|rescue|unrescue NODE [--wait [SECONDS]]`: PUT
// /v1/nodes/NODE/states/provision with the verb `baremetal` sends, then
// (with --wait) poll the node until it reaches the verb's stable state.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/node_common.h"
#include "cli/wait.h"
#include "common/json_input.h"

namespace ingot::cli {
namespace {

struct VerbSpec {
    const char* command;   // ingot node <command>
    const char* target;    // the "target" sent; what baremetal sends
    const char* expected;  // the stable state --wait waits for ("" = a failed state, for abort)
    const char* help;
};

constexpr VerbSpec kVerbs[] = {
    {"manage", "manage", "manageable", "Verify a node and make it manageable (enroll → verifying → manageable)"},
    {"provide", "provide", "available", "Clean a manageable node and make it available"},
    {"deploy", "active", "active", "Deploy an available node (→ active)"},
    {"undeploy", "deleted", "available", "Tear down a deployed node, clean it and make it available"},
    {"rebuild", "rebuild", "active", "Deploy an active (or failed) node again"},
    {"inspect", "inspect", "manageable", "Inspect a manageable node's hardware"},
    {"clean", "clean", "manageable", "Run the given clean steps on a manageable node"},
    {"abort", "abort", "", "Abort a waiting or held action (the node goes to the matching failed state)"},
    {"adopt", "adopt", "active", "Take over a manageable node that already runs its instance (→ active)"},
    {"rescue", "rescue", "rescue", "Boot an active node into the rescue ramdisk"},
    {"unrescue", "unrescue", "active", "Bring a rescued node back to active"},
};

struct ProvisionOptions {
    std::string node;
    WaitOption wait;
    std::string config_drive, deploy_steps, clean_steps, rescue_password;
};

// A JSON argument as python-ironicclient's handle_json_or_file_arg takes
// it: "-" reads standard input; otherwise JSON text, or else the name of a
// file holding JSON.
json json_argument(const std::string& option, const std::string& arg) {
    std::string text = arg;
    if (arg == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    json parsed = try_parse_json(text);
    if (parsed.is_discarded() && arg != "-") {
        if (std::ifstream file(arg); file) {
            std::stringstream content;
            content << file.rdbuf();
            parsed = try_parse_json(content.str());
            if (parsed.is_discarded()) throw UsageError(option + ": the file " + arg + " does not hold valid JSON");
        }
    }
    if (parsed.is_discarded())
        throw UsageError(option + ": not valid JSON (nor a file holding JSON, nor - for standard input)");
    return parsed;
}

// --config-drive: a JSON object (meta_data, user_data, network_data, ...) is
// sent as an object, for the conductor to build the drive; anything else is
// sent as the string given (a URL, or a base64-encoded gzipped ISO).
json config_drive_argument(const std::string& arg) {
    json parsed = try_parse_json(arg);
    if (!parsed.is_discarded() && parsed.is_object()) return parsed;
    return arg;
}

void add_verb(CLI::App& node, Session& session, const VerbSpec& spec) {
    auto o = std::make_shared<ProvisionOptions>();
    const std::string name = spec.command;
    CLI::App* cmd = node.add_subcommand(name, spec.help);
    // Not ->required(): see resolve_wait (`--wait NODE`).
    cmd->add_option("node", o->node, "UUID or name (required)");
    add_wait_option(cmd, o->wait);
    if (name == "deploy" || name == "rebuild") {
        cmd->add_option("--config-drive", o->config_drive,
                        "Config drive: a URL or base64-encoded gzipped ISO image (sent as given), or a JSON object "
                        "with meta_data, user_data, network_data, vendor_data for the conductor to build one");
        cmd->add_option("--deploy-steps", o->deploy_steps,
                        "Deploy steps as a JSON list, a file holding one, or - for standard input");
    }
    if (name == "clean") {
        cmd->add_option(
               "--clean-steps", o->clean_steps,
               "Clean steps as a JSON list (e.g. '[{\"interface\": \"deploy\", \"step\": \"erase_devices\"}]'), "
               "a file holding one, or - for standard input")
            ->required();
    }
    if (name == "rescue") {
        cmd->add_option("--rescue-password", o->rescue_password, "Password for the rescue ramdisk's user")->required();
    }
    on_run(cmd, session, [o, spec, name](Session& s) {
        std::optional<double> wait = resolve_wait(o->wait, o->node);
        json body = {{"target", spec.target}};
        if (!o->config_drive.empty()) body["configdrive"] = config_drive_argument(o->config_drive);
        if (!o->deploy_steps.empty()) body["deploy_steps"] = json_argument("--deploy-steps", o->deploy_steps);
        if (name == "clean") body["clean_steps"] = json_argument("--clean-steps", o->clean_steps);
        if (name == "rescue") {
            if (o->rescue_password.empty()) throw UsageError("--rescue-password must not be empty");
            body["rescue_password"] = o->rescue_password;
        }
        const auto started = std::chrono::steady_clock::now();
        // 202 with no body; `baremetal` prints nothing either.
        s.api().put(node_path(o->node) + "/states/provision", body);
        if (!wait) return 0;
        const std::string expected = spec.expected;
        const std::string goal =
            expected.empty() ? std::string("a failed state") : "provision state \"" + expected + "\"";
        return wait_for_node(s, o->node, *wait, started, goal, provision_classifier(expected));
    });
}

}  // namespace

void add_node_provision_commands(CLI::App& node, Session& session) {
    for (const auto& spec : kVerbs) add_verb(node, session, spec);
}

}  // namespace ingot::cli
