// `ingot node history list NODE [--long]`: GET /v1/nodes/NODE/history
// (API 1.78), the node's recorded state changes and errors, oldest first.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/field_labels.h"
#include "cli/node_common.h"

namespace ingot::cli {

void add_node_history_commands(CLI::App& node, Session& session) {
    CLI::App* group = add_group(node, "history", "A node's recorded events");
    struct Options {
        std::string node;
        bool detail = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* list = group->add_subcommand("list", "List a node's history events");
    list->add_option("node", o->node, "UUID or name")->required();
    list->add_flag("--long", o->detail, "Also show the event type, conductor and user");
    on_run(list, session, [o](Session& s) {
        Query q;
        if (o->detail) q.add("detail", "True");
        // Every page (the server pages at its max_limit).
        json rows = s.api().list(node_path(o->node) + "/history", q, "history", 0);
        // The columns of python-ironicclient's NODE_HISTORY_(DETAILED_)RESOURCE.
        std::vector<std::string> keys = {"uuid", "created_at", "severity", "event"};
        if (o->detail) keys = {"uuid", "created_at", "severity", "event_type", "event", "conductor", "user"};
        print_rows(std::cout, s.format(), rows, columns_for(keys));
        return 0;
    });
}

}  // namespace ingot::cli
