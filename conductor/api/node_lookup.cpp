#include "conductor/api/node_lookup.h"

#include "common/errors.h"
#include "common/ids.h"
#include "conductor/api/node_input.h"

namespace ingot::api {

db::Record find_node(db::Session& session, const Request& req, const std::string& ident,
                     const std::vector<std::string>& columns) {
    std::optional<db::Record> node;
    if (is_uuid_like(ident)) {
        node = session.find(db::nodes_table(), "uuid", normalize_uuid(ident), columns);
    } else if (req.version.at_least(5) && is_valid_logical_name(ident)) {
        node = session.find(db::nodes_table(), "name", ident, columns);
    } else {
        throw InvalidInput("Expected a logical name or UUID but received " + ident + ".");
    }
    if (!node) throw NotFound("Node " + ident + " could not be found.");
    return *node;
}

}  // namespace ingot::api
