// Finding a node by UUID or name as Ironic's API does.
#pragma once

#include <string>
#include <vector>

#include "conductor/api/http.h"
#include "db/store.h"

namespace ingot::api {

// 400 if `ident` is neither a UUID nor (from 1.5) a valid name; 404 if no
// such node.
db::Record find_node(db::Session& session, const Request& req, const std::string& ident,
                     const std::vector<std::string>& columns = {});

}  // namespace ingot::api
