#include "conductor/node_history.h"

#include "common/ids.h"
#include "common/log.h"
#include "db/store.h"

namespace ingot::conductor {

void record_history(Context& ctx, int64_t node_id, const std::string& event_type, const std::string& severity,
                    const std::string& event) {
    try {
        db::Session s(*ctx.database, true);
        s.insert(db::node_history_table(), {{"uuid", generate_uuid()},
                                            {"node_id", node_id},
                                            {"conductor", ctx.hostname},
                                            {"event_type", event_type},
                                            {"severity", severity},
                                            {"event", event},
                                            {"created_at", utc_now_iso()}});
        s.commit();
    } catch (const std::exception& e) {
        // History is a record of what happened, never a reason to fail it.
        log::warning("history.write_failed", {{"node_id", std::to_string(node_id)}, {"error", e.what()}});
    }
}

}  // namespace ingot::conductor
