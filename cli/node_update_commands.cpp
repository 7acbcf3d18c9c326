// `ingot node set|unset`: options become JSON-patch operations sent with
// PATCH /v1/nodes/NODE, as `baremetal node set|unset` builds them ("add"
// to set, whatever exists there already; "remove" to unset).
#include <iostream>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/key_values.h"
#include "cli/node_common.h"

namespace ingot::cli {
namespace {

// The dictionary fields set/unset reach into by key.
struct DictArgs {
    std::vector<std::string> driver_info, properties, extra, instance_info;
};

void add_dict_options(CLI::App* cmd, DictArgs& d, const std::string& what) {
    add_repeated_option(cmd, "--driver-info", d.driver_info, what + " in driver_info (repeatable)");
    add_repeated_option(cmd, "--property", d.properties, what + " in properties (repeatable)");
    add_repeated_option(cmd, "--extra", d.extra, what + " in extra (repeatable)");
    add_repeated_option(cmd, "--instance-info", d.instance_info, what + " in instance_info (repeatable)");
}

// Top-level string fields that both commands handle, with their help.
constexpr std::pair<const char*, const char*> kScalarFields[] = {
    {"name", "unique name"},
    {"resource_class", "resource class for scheduling"},
    {"description", "free text"},
    {"owner", "owner (project)"},
    {"conductor_group", "conductor group"},
};

std::string option_name(std::string_view field) {
    std::string name = "--" + std::string(field);
    for (auto& c : name)
        if (c == '_') c = '-';
    return name;
}

void send_patch(Session& s, const std::string& node, const Patch& patch) {
    if (patch.empty()) throw UsageError("nothing to change: give at least one option (see --help)");
    s.api().patch(node_path(node), patch.ops());
}

void add_set(CLI::App* node, Session& session) {
    struct Options {
        std::string node, driver;
        std::map<std::string, std::string> scalars;     // field -> value
        std::map<std::string, std::string> interfaces;  // "boot" -> "pxe"
        DictArgs dicts;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = node->add_subcommand("set", "Change node fields");
    cmd->add_option("node", o->node, "UUID or name")->required();
    cmd->add_option("--driver", o->driver, "Hardware type");
    for (const auto& [field, help] : kScalarFields)
        cmd->add_option(option_name(field), o->scalars[field], std::string("New ") + help);
    for (std::string_view iface : kNodeInterfaces) {
        std::string name(iface);
        cmd->add_option("--" + name + "-interface", o->interfaces[name], name + " interface implementation");
    }
    add_dict_options(cmd, o->dicts, "KEY=VALUE to set");
    on_run(cmd, session, [o](Session& s) {
        Patch patch;
        // Named options keep their text as a string; only KEY=VALUE values
        // are JSON-decoded, so `--name 123` or `--description true` stay
        // strings (ironicclient would decode those too, to no one's benefit).
        if (!o->driver.empty()) patch.add("/driver", o->driver);
        for (const auto& [field, value] : o->scalars)
            if (!value.empty()) patch.add("/" + field, value);
        for (const auto& [iface, impl] : o->interfaces)
            if (!impl.empty()) patch.add("/" + iface + "_interface", impl);
        patch.add_key_values("driver_info", o->dicts.driver_info);
        patch.add_key_values("properties", o->dicts.properties);
        patch.add_key_values("extra", o->dicts.extra);
        patch.add_key_values("instance_info", o->dicts.instance_info);
        send_patch(s, o->node, patch);
        return 0;
    });
}

void add_unset(CLI::App* node, Session& session) {
    struct Options {
        std::string node;
        std::map<std::string, bool> scalars;     // field -> unset it
        std::map<std::string, bool> interfaces;  // "boot" -> reset to the default
        DictArgs dicts;
    };
    auto o = std::make_shared<Options>();
    CLI::App* cmd = node->add_subcommand("unset", "Remove node fields or keys");
    cmd->add_option("node", o->node, "UUID or name")->required();
    for (const auto& [field, help] : kScalarFields)
        cmd->add_flag(option_name(field), o->scalars[field], std::string("Remove the ") + help);
    for (std::string_view iface : kNodeInterfaces) {
        std::string name(iface);
        cmd->add_flag("--" + name + "-interface", o->interfaces[name],
                      "Reset the " + name + " interface to the hardware type's default");
    }
    add_dict_options(cmd, o->dicts, "KEY to remove");
    on_run(cmd, session, [o](Session& s) {
        Patch patch;
        for (const auto& [field, on] : o->scalars)
            if (on) patch.remove("/" + field);
        for (const auto& [iface, on] : o->interfaces)
            if (on) patch.remove("/" + iface + "_interface");
        patch.remove_keys("driver_info", o->dicts.driver_info);
        patch.remove_keys("properties", o->dicts.properties);
        patch.remove_keys("extra", o->dicts.extra);
        patch.remove_keys("instance_info", o->dicts.instance_info);
        send_patch(s, o->node, patch);
        return 0;
    });
}

}  // namespace

void add_node_update_commands(CLI::App& node, Session& session) {
    add_set(&node, session);
    add_unset(&node, session);
}

}  // namespace ingot::cli
