#include "conductor/node_reservation.h"

#include "common/errors.h"
#include "common/ids.h"

namespace ingot::conductor {

void throw_node_locked(const db::Record& node) {
    throw Conflict("Node " + node["uuid"].get<std::string>() + " is locked by host " +
                   node["reservation"].get<std::string>() + ", please retry after the current operation is completed.");
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

namespace {

db::Record write_holding_lock(Context& ctx, int64_t node_id, db::Record update) {
    // The lock holder is the only writer of what it changes, so a stale read
    // here means a reader-visible field moved under us (e.g. maintenance):
    // retry against the fresh row.
    update["updated_at"] = utc_now_iso();
    for (int attempt = 0;; ++attempt) {
        db::Session s(*ctx.database, true);
        auto node = s.find(db::nodes_table(), "id", node_id);
        if (!node) throw NotFound("Node " + std::to_string(node_id) + " could not be found.");
        if ((*node)["reservation"] != ctx.hostname)
            throw Conflict("Node " + (*node)["uuid"].get<std::string>() + " is no longer locked by this conductor.");
        try {
            auto written = s.update(db::nodes_table(), node_id, (*node)["row_version"], update);
            s.commit();
            return written;
        } catch (const db::StaleRecord&) {
            if (attempt >= 20) throw;
        }
    }
}

}  // namespace

db::Record update_locked(Context& ctx, int64_t node_id, const db::Record& changes) {
    return write_holding_lock(ctx, node_id, changes);
}

db::Record release_node(Context& ctx, int64_t node_id, const db::Record& changes) {
    db::Record update = changes;
    update["reservation"] = nullptr;
    return write_holding_lock(ctx, node_id, update);
}

}  // namespace ingot::conductor
