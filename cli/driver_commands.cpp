// `ingot driver list|show|property list`: the hardware types the
// conductors offer.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/field_labels.h"

namespace ingot::cli {
namespace {

const std::set<std::string> kDriverLinkFields = {"links", "properties"};

std::string driver_path(std::string_view name) {
    return "/v1/drivers/" + path_segment(name);
}

void add_list(CLI::App* driver, Session& session) {
    auto detail = std::make_shared<bool>(false);
    CLI::App* cmd = driver->add_subcommand("list", "List enabled hardware types");
    cmd->add_flag("--long", *detail, "Default and enabled interfaces too");
    on_run(cmd, session, [detail](Session& s) {
        Query q;
        if (*detail) q.add("detail", "true");
        json rows = s.api().list("/v1/drivers", q, "drivers", std::nullopt);
        std::vector<Column> columns = {{"name", "Supported driver(s)"}, {"hosts", "Active host(s)", true}};
        if (*detail) {
            for (const Column& c : detail_columns(rows, {"name", "hosts"}, kDriverLinkFields))
                if (c.key != "name" && c.key != "hosts") columns.push_back(c);
        }
        print_rows(std::cout, s.format(), rows, columns);
        return 0;
    });
}

void add_show(CLI::App* driver, Session& session) {
    auto name = std::make_shared<std::string>();
    CLI::App* cmd = driver->add_subcommand("show", "Show a hardware type");
    cmd->add_option("driver", *name, "Hardware type name")->required();
    on_run(cmd, session, [name](Session& s) {
        print_record(std::cout, s.format(), s.api().get(driver_path(*name)), kDriverLinkFields);
        return 0;
    });
}

void add_property_list(CLI::App* driver, Session& session) {
    CLI::App* property = add_group(*driver, "property", "The driver_info keys a hardware type reads");
    auto name = std::make_shared<std::string>();
    CLI::App* cmd = property->add_subcommand("list", "List the driver_info keys and what they mean");
    cmd->add_option("driver", *name, "Hardware type name")->required();
    on_run(cmd, session, [name](Session& s) {
        json properties = s.api().get(driver_path(*name) + "/properties");
        json rows = json::array();
        if (properties.is_object())
            for (const auto& [key, description] : properties.items())
                rows.push_back({{"property", key}, {"description", description}});
        print_rows(std::cout, s.format(), rows, columns_for({"property", "description"}), properties);
        return 0;
    });
}

}  // namespace

void add_driver_commands(CLI::App& app, Session& session) {
    CLI::App* driver = add_group(app, "driver", "Hardware types (drivers)");
    add_list(driver, session);
    add_show(driver, session);
    add_property_list(driver, session);
}

}  // namespace ingot::cli
