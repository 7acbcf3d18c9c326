// What the API and the conductor's services share: configuration, the
// database, the plugin registry with the driver composition built from it,
// the extensions' event bus, and this conductor's identity.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "boot/boot_settings.h"
#include "common/config.h"
#include "conductor/auth/enforcer.h"
#include "conductor/driver_composition.h"
#include "conductor/event_bus.h"
#include "conductor/plugin_loader.h"
#include "conductor/worker_pool.h"
#include "db/database.h"
#include "interfaces/registry.h"

namespace ingot::conductor {

struct Context {
    explicit Context(config::Config c) : config(std::move(c)) {}

    config::Config config;
    std::unique_ptr<db::Database> database;
    // Declared before what is built from it, so destroyed after it.
    std::unique_ptr<interfaces::Registry> registry;
    std::vector<PluginLoadResult> plugins;
    std::unique_ptr<DriverComposition> drivers;
    std::unique_ptr<EventBus> events;
    // Ironic's policy (defaults plus [oslo_policy] policy_file); read-only.
    std::unique_ptr<auth::Enforcer> policy;
    // Destroyed first: running jobs finish while everything they use exists.
    std::unique_ptr<WorkerPool> workers;

    std::string hostname;
    std::string conductor_group;
    long long max_limit = 1000;
    std::string public_endpoint;  // empty: from the request
    bool allow_deleting_available_nodes = true;
    boot::BootSettings boot;  // where boot files go; http_root is served at /boot/
};

// Builds the context from a validated configuration: registers built-ins,
// loads plugins, composes drivers, opens the database (applying migrations
// if `migrate`). Throws ConfigError on anything unusable.
std::unique_ptr<Context> make_context(config::Config config, bool migrate = true);

}  // namespace ingot::conductor
