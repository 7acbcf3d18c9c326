#include "conductor/node_events.h"

#include "conductor/api/node_view.h"

namespace ingot::conductor {

void notify_created(Context& ctx, const db::Record& node) {
    if (ctx.events->subscriber_count()) ctx.events->node_created(api::node_event(ctx, node));
}

void notify_updated(Context& ctx, const db::Record& node, const std::vector<std::string>& changed_fields) {
    if (ctx.events->subscriber_count()) ctx.events->node_updated(api::node_event(ctx, node), changed_fields);
}

void notify_deleted(Context& ctx, const db::Record& node) {
    if (ctx.events->subscriber_count()) ctx.events->node_deleted(api::node_event(ctx, node));
}

void notify_provision_state(Context& ctx, const db::Record& node, const std::string& from, const std::string& to) {
    if (ctx.events->subscriber_count()) ctx.events->provision_state_changed(api::node_event(ctx, node), from, to);
}

void notify_power_state(Context& ctx, const db::Record& node, const std::string& from, const std::string& to) {
    if (ctx.events->subscriber_count()) ctx.events->power_state_changed(api::node_event(ctx, node), from, to);
}

}  // namespace ingot::conductor
