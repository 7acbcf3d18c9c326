#include "conductor/context.h"

#include <unistd.h>

#include "common/errors.h"
#include "interfaces/hardware_type.h"

namespace ingot::conductor {

std::unique_ptr<Context> make_context(config::Config cfg, bool migrate) {
    auto ctx = std::make_unique<Context>(Context{std::move(cfg), nullptr, "", "", {}, 1000, "", true});
    const auto& c = ctx->config;
    ctx->hostname = c.get_string("DEFAULT", "host");
    if (ctx->hostname.empty()) {
        char buf[256] = {};
        gethostname(buf, sizeof buf - 1);
        ctx->hostname = buf;
    }
    ctx->conductor_group = c.get_string("conductor", "conductor_group");
    ctx->enabled_hardware_types = c.get_list("DEFAULT", "enabled_hardware_types");
    if (ctx->enabled_hardware_types.empty())
        throw ConfigError("[DEFAULT] enabled_hardware_types must name at least one hardware type");
    for (const auto& name : ctx->enabled_hardware_types) {
        if (!interfaces::find_builtin_hardware_type(name))
            throw ConfigError("[DEFAULT] enabled_hardware_types: unknown hardware type '" + name + "'");
    }
    ctx->max_limit = c.get_int("api", "max_limit");
    ctx->public_endpoint = c.get_string("api", "public_endpoint");
    while (!ctx->public_endpoint.empty() && ctx->public_endpoint.back() == '/') ctx->public_endpoint.pop_back();
    ctx->allow_deleting_available_nodes = c.get_bool("conductor", "allow_deleting_available_nodes");
    std::string path = db::Database::path_from_url(c.get_string("database", "connection"));
    ctx->database = std::make_unique<db::Database>(path, migrate);
    return ctx;
}

}  // namespace ingot::conductor
