#include "conductor/node_reservation.h"

#include "common/errors.h"
#include "common/ids.h"

namespace ingot::conductor {

void throw_node_locked(const db::Record& node) {
    throw Conflict("Node " + node["uuid"].get<std::string>() + " is locked by host " +
                   node["reservation"].get<std::string>() +
                   ", please retry after the current operation is completed.");
}

db::Record reserve_node(Context& ctx, int64_t node_id, const db::Record& changes) {
    // The row version makes this a compare-and-swap; a lost race is retried
    // against the fresh row, which then shows who holds the lock.
    for (int attempt = 0; attempt < 5; ++attempt) {
        db::Session s(*ctx.database, true);
        auto node = s.find(db::nodes_table(), "id", node_id);
        if (!node) throw NotFound("Node " + std::to_string(node_id) + " could not be found.");
        if (!(*node)["reservation"].is_null()) throw_node_locked(*node);
        db::Record update = changes;
        update["reservation"] = ctx.hostname;
        try {
            auto locked = s.update(db::nodes_table(), node_id, (*node)["row_version"], update);
            s.commit();
            return locked;
        } catch (const db::StaleRecord&) {
            continue;
        }
    }
    throw Conflict("Node " + std::to_string(node_id) + " is being changed by many requests at once; retry.");
}

db::Record release_node(Context& ctx, int64_t node_id, const db::Record& changes) {
    // The lock holder is the only writer, so a stale read here means a
    // reader-visible field moved under us (e.g. maintenance); just retry.
    for (int attempt = 0;; ++attempt) {
        db::Session s(*ctx.database, true);
        auto node = s.find(db::nodes_table(), "id", node_id);
        if (!node) throw NotFound("Node " + std::to_string(node_id) + " could not be found.");
        db::Record update = changes;
        update["reservation"] = nullptr;
        update["updated_at"] = utc_now_iso();
        try {
            auto released = s.update(db::nodes_table(), node_id, (*node)["row_version"], update);
            s.commit();
            return released;
        } catch (const db::StaleRecord&) {
            if (attempt >= 20) throw;
        }
    }
}

}  // namespace ingot::conductor
