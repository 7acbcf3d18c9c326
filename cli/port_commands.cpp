// `ingot port create|list|show|set|unset|delete`: the NICs of nodes.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/field_labels.h"
#include "cli/key_values.h"
#include "cli/list_options.h"
#include "cli/node_common.h"
#include "common/ids.h"
#include "common/strings.h"

namespace ingot::cli {
namespace {

const std::set<std::string> kPortLinkFields = {"links"};

std::string port_path(std::string_view uuid) {
    return "/v1/ports/" + path_segment(uuid);
}

// The API wants a node UUID in a port; accept a name too and look it up.
std::string node_uuid(Session& s, const std::string& ident) {
    if (is_uuid_like(ident)) return ident;
    json node = s.api().get(node_path(ident) + "?fields=uuid");
    if (!node.is_object() || !node.contains("uuid") || !node["uuid"].is_string())
        throw std::runtime_error("the server's answer for node " + ident + " has no uuid");
    return node["uuid"].get<std::string>();
}

// --pxe-enabled takes the words `baremetal` takes, any case.
void add_pxe_option(CLI::App* cmd, std::string& value) {
    cmd->add_option("--pxe-enabled", value, "Whether to PXE boot from this port (true|false)")
        ->check(CLI::IsMember({"true", "false"}, CLI::ignore_case));
}

bool pxe_value(const std::string& text) {
    return to_lower(text) == "true";
}

struct PortFields {
    std::string address, node, pxe_enabled, physical_network;
    std::vector<std::string> extra, local_link_connection;
};

void add_create(CLI::App* port, Session& session) {
    auto o = std::make_shared<PortFields>();
    CLI::App* cmd = port->add_subcommand("create", "Register a NIC of a node");
    cmd->add_option("address", o->address, "MAC address")->required();
    cmd->add_option("--node", o->node, "UUID (or name) of the node it belongs to")->required();
    add_repeated_option(cmd, "--extra", o->extra, "KEY=VALUE for extra (repeatable)");
    add_repeated_option(cmd, "--local-link-connection", o->local_link_connection,
                        "KEY=VALUE for local_link_connection: switch_id, port_id, switch_info (repeatable)");
    add_pxe_option(cmd, o->pxe_enabled);
    cmd->add_option("--physical-network", o->physical_network, "Physical network of the port");
    on_run(cmd, session, [o](Session& s) {
        json body = {{"address", o->address}, {"node_uuid", node_uuid(s, o->node)}};
        if (!o->extra.empty()) body["extra"] = key_values_to_object(o->extra);
        if (!o->local_link_connection.empty())
            body["local_link_connection"] = key_values_to_object(o->local_link_connection);
        if (!o->pxe_enabled.empty()) body["pxe_enabled"] = pxe_value(o->pxe_enabled);
        if (!o->physical_network.empty()) body["physical_network"] = o->physical_network;
        print_record(std::cout, s.format(), s.api().post("/v1/ports", body), kPortLinkFields);
        return 0;
    });
}

void add_list(CLI::App* port, Session& session) {
    struct Options {
        ListOptions page;
        bool detail = false;
        std::string node, address;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = port->add_subcommand("list", "List ports");
    add_list_options(cmd, o->page, "ports");
    CLI::Option* detail = cmd->add_flag("--long", o->detail, "Every field of every port");
    add_fields_option(cmd, o->page.fields);
    cmd->get_option("--fields")->excludes(detail);
    cmd->add_option("--node", o->node, "Only ports of this node (UUID or name)");
    cmd->add_option("--address", o->address, "Only the port with this MAC address");
    on_run(cmd, session, [o](Session& s) {
        Query q;
        o->page.add_to(q);
        if (!o->node.empty()) q.add("node", o->node);
        if (!o->address.empty()) q.add("address", o->address);
        json rows = s.api().list(o->detail ? "/v1/ports/detail" : "/v1/ports", q, "ports", o->page.page_limit());
        std::vector<Column> columns;
        if (!o->page.fields.empty())
            columns = columns_for(o->page.fields);
        else if (o->detail)
            columns = detail_columns(rows, {"uuid", "address"}, kPortLinkFields);
        else
            columns = columns_for({"uuid", "address"});
        print_rows(std::cout, s.format(), rows, columns);
        return 0;
    });
}

void add_show(CLI::App* port, Session& session) {
    struct Options {
        std::string port, address;
        std::vector<std::string> fields;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = port->add_subcommand("show", "Show one port, by UUID or by --address");
    CLI::Option* by_uuid = cmd->add_option("port", o->port, "UUID");
    CLI::Option* by_mac = cmd->add_option("--address", o->address, "Find the port by MAC address instead");
    by_uuid->excludes(by_mac);
    add_fields_option(cmd, o->fields);
    on_run(cmd, session, [o](Session& s) {
        if (o->port.empty() && o->address.empty()) throw UsageError("give a port UUID or --address MAC");
        Query q;
        if (!o->fields.empty()) q.add("fields", join(o->fields, ","));
        json record;
        if (!o->port.empty()) {
            record = s.api().get(port_path(o->port) + q.str());
        } else {
            // As `baremetal port show --address`: the detail list filtered
            // by address, which names at most one port.
            q.add("address", o->address);
            json rows = s.api().list("/v1/ports/detail", q, "ports", std::nullopt);
            // The server said 200 (an empty list), so this is no ApiError.
            if (rows.empty()) throw std::runtime_error("Port with address " + o->address + " could not be found.");
            record = rows.at(0);
        }
        print_record(std::cout, s.format(), record, kPortLinkFields);
        return 0;
    });
}

void add_set(CLI::App* port, Session& session) {
    struct Options : PortFields {
        std::string port;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = port->add_subcommand("set", "Change port fields");
    cmd->add_option("port", o->port, "UUID")->required();
    cmd->add_option("--address", o->address, "New MAC address");
    cmd->add_option("--node", o->node, "Move the port to this node (UUID or name)");
    add_repeated_option(cmd, "--extra", o->extra, "KEY=VALUE to set in extra (repeatable)");
    add_repeated_option(cmd, "--local-link-connection", o->local_link_connection,
                        "KEY=VALUE to set in local_link_connection (repeatable)");
    add_pxe_option(cmd, o->pxe_enabled);
    cmd->add_option("--physical-network", o->physical_network, "New physical network");
    on_run(cmd, session, [o](Session& s) {
        Patch patch;
        if (!o->address.empty()) patch.add("/address", o->address);
        if (!o->node.empty()) patch.add("/node_uuid", node_uuid(s, o->node));
        if (!o->pxe_enabled.empty()) patch.add("/pxe_enabled", pxe_value(o->pxe_enabled));
        if (!o->physical_network.empty()) patch.add("/physical_network", o->physical_network);
        patch.add_key_values("extra", o->extra);
        patch.add_key_values("local_link_connection", o->local_link_connection);
        if (patch.empty()) throw UsageError("nothing to change: give at least one option (see --help)");
        s.api().patch(port_path(o->port), patch.ops());
        return 0;
    });
}

void add_unset(CLI::App* port, Session& session) {
    struct Options {
        std::string port;
        std::vector<std::string> extra, local_link_connection;
        bool physical_network = false;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = port->add_subcommand("unset", "Remove port fields or keys");
    cmd->add_option("port", o->port, "UUID")->required();
    add_repeated_option(cmd, "--extra", o->extra, "KEY to remove from extra (repeatable)");
    add_repeated_option(cmd, "--local-link-connection", o->local_link_connection,
                        "KEY to remove from local_link_connection (repeatable)");
    cmd->add_flag("--physical-network", o->physical_network, "Remove the physical network");
    on_run(cmd, session, [o](Session& s) {
        Patch patch;
        if (o->physical_network) patch.remove("/physical_network");
        patch.remove_keys("extra", o->extra);
        patch.remove_keys("local_link_connection", o->local_link_connection);
        if (patch.empty()) throw UsageError("nothing to change: give at least one option (see --help)");
        s.api().patch(port_path(o->port), patch.ops());
        return 0;
    });
}

void add_delete(CLI::App* port, Session& session) {
    auto ports = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = port->add_subcommand("delete", "Delete ports; carries on past failures");
    cmd->add_option("ports", *ports, "UUIDs")->required();
    on_run(cmd, session, [ports](Session& s) {
        int failed = 0;
        for (const auto& uuid : *ports) {
            try {
                s.api().remove(port_path(uuid));
                std::cout << "Deleted port " << uuid << "\n";
            } catch (const ApiError& e) {
                print_error(api_error_line(e));
                ++failed;
            }
        }
        return failed ? 1 : 0;
    });
}

}  // namespace

void add_port_commands(CLI::App& app, Session& session) {
    CLI::App* port = add_group(app, "port", "Network ports of nodes");
    add_create(port, session);
    add_list(port, session);
    add_show(port, session);
    add_set(port, session);
    add_unset(port, session);
    add_delete(port, session);
}

}  // namespace ingot::cli
