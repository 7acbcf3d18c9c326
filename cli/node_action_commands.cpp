// `ingot node maintenance set|unset` and `ingot node validate`: node
// sub-resources rather than fields.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/field_labels.h"
#include "cli/node_common.h"

namespace ingot::cli {
namespace {

void add_maintenance(CLI::App& node, Session& session) {
    CLI::App* group = add_group(node, "maintenance", "Take nodes out of (and back into) service");

    struct SetOptions {
        std::string node, reason;
    };
    auto set = std::make_shared<SetOptions>();
    CLI::App* on = group->add_subcommand("set", "Put a node in maintenance mode");
    on->add_option("node", set->node, "UUID or name")->required();
    on->add_option("--reason", set->reason, "Why (shown as maintenance_reason)");
    on_run(on, session, [set](Session& s) {
        // PUT answers 202 with no body, and `baremetal` prints nothing.
        json body = json::object();
        if (!set->reason.empty()) body["reason"] = set->reason;
        s.api().put(node_path(set->node) + "/maintenance", body);
        return 0;
    });

    auto unset_node = std::make_shared<std::string>();
    CLI::App* off = group->add_subcommand("unset", "Take a node out of maintenance mode");
    off->add_option("node", *unset_node, "UUID or name")->required();
    on_run(off, session, [unset_node](Session& s) {
        s.api().remove(node_path(*unset_node) + "/maintenance");
        return 0;
    });
}

void add_validate(CLI::App& node, Session& session) {
    auto ident = std::make_shared<std::string>();
    CLI::App* cmd = node.add_subcommand("validate", "Check that each interface has what it needs");
    cmd->add_option("node", *ident, "UUID or name")->required();
    on_run(cmd, session, [ident](Session& s) {
        json result = s.api().get(node_path(*ident) + "/validate");
        // {"boot": {"result": true, "reason": ...}, ...} -> one row per
        // interface, sorted (the object's keys already are).
        json rows = json::array();
        if (result.is_object()) {
            for (const auto& [iface, verdict] : result.items()) {
                json row = {{"interface", iface}, {"result", nullptr}, {"reason", nullptr}};
                if (verdict.is_object()) {
                    row["result"] = verdict.value("result", json());
                    row["reason"] = verdict.value("reason", json());
                }
                rows.push_back(std::move(row));
            }
        }
        print_rows(std::cout, s.format(), rows, columns_for({"interface", "result", "reason"}), result);
        return 0;
    });
}

}  // namespace

void add_node_action_commands(CLI::App& node, Session& session) {
    add_maintenance(node, session);
    add_validate(node, session);
}

}  // namespace ingot::cli
