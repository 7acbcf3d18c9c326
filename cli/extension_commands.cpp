// `ingot extension list`: every plugin the conductor has loaded, built-in or
// from a file (GET /v1/extensions, Ingot's addition to the API).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/field_labels.h"

namespace ingot::cli {

void add_extension_commands(CLI::App& app, Session& session) {
    CLI::App* extension = add_group(app, "extension", "Plugins: hardware types, interfaces, extensions");
    auto name_space = std::make_shared<std::string>();
    CLI::App* list = extension->add_subcommand("list", "List loaded plugins of every namespace");
    list->add_option("--namespace", *name_space, "Only this namespace, e.g. ingot.power");
    on_run(list, session, [name_space](Session& s) {
        Query q;
        if (!name_space->empty()) q.add("namespace", *name_space);
        json rows = s.api().list("/v1/extensions", q, "extensions", std::nullopt);
        print_rows(std::cout, s.format(), rows, columns_for({"namespace", "name", "version", "description", "origin"}));
        return 0;
    });
}

}  // namespace ingot::cli
