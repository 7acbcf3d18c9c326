// What the API and the conductor's services share: configuration, the
// database, and this conductor's identity.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "db/database.h"

namespace ingot::conductor {

struct Context {
    config::Config config;
    std::unique_ptr<db::Database> database;
    std::string hostname;
    std::string conductor_group;
    std::vector<std::string> enabled_hardware_types;
    long long max_limit = 1000;
    std::string public_endpoint;  // empty: from the request
    bool allow_deleting_available_nodes = true;
};

// Builds the context from a validated configuration: opens the database
// (applying migrations if `migrate`), resolves the hostname, checks lists.
std::unique_ptr<Context> make_context(config::Config config, bool migrate = true);

}  // namespace ingot::conductor
