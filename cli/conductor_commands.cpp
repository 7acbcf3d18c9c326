// `ingot conductor list|show`: the conductor services and whether they
// are alive.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/field_labels.h"

namespace ingot::cli {
namespace {

const std::set<std::string> kConductorLinkFields = {"links"};

void add_list(CLI::App* conductor, Session& session) {
    auto detail = std::make_shared<bool>(false);
    CLI::App* cmd = conductor->add_subcommand("list", "List conductors");
    cmd->add_flag("--long", *detail, "Every field, including the drivers each serves");
    on_run(cmd, session, [detail](Session& s) {
        Query q;
        if (*detail) q.add("detail", "true");
        json rows = s.api().list("/v1/conductors", q, "conductors", std::nullopt);
        std::vector<std::string> leading = {"hostname", "conductor_group", "alive"};
        print_rows(std::cout, s.format(), rows,
                   *detail ? detail_columns(rows, leading, kConductorLinkFields) : columns_for(leading));
        return 0;
    });
}

void add_show(CLI::App* conductor, Session& session) {
    auto host = std::make_shared<std::string>();
    CLI::App* cmd = conductor->add_subcommand("show", "Show one conductor");
    cmd->add_option("hostname", *host, "Conductor host name")->required();
    on_run(cmd, session, [host](Session& s) {
        print_record(std::cout, s.format(), s.api().get("/v1/conductors/" + path_segment(*host)), kConductorLinkFields);
        return 0;
    });
}

}  // namespace

void add_conductor_commands(CLI::App& app, Session& session) {
    CLI::App* conductor = add_group(app, "conductor", "Conductor services");
    add_list(conductor, session);
    add_show(conductor, session);
}

}  // namespace ingot::cli
