#include "conductor/conductor_registration.h"

#include "common/ids.h"
#include "common/log.h"
#include "db/store.h"

namespace ingot::conductor {

void register_conductor(Context& ctx) {
    db::Session s(*ctx.database, true);
    const auto& table = db::conductors_table();
    db::Record values = {
        {"conductor_group", ctx.conductor_group}, {"online", true}, {"drivers", ctx.drivers->hardware_types()}};
    if (auto existing = s.find(table, "hostname", ctx.hostname)) {
        values["updated_at"] = utc_now_iso();
        s.update(table, (*existing)["id"], (*existing)["row_version"], values);
    } else {
        values["hostname"] = ctx.hostname;
        values["created_at"] = utc_now_iso();
        s.insert(table, values);
    }
    s.commit();
    log::info("conductor.registered", {{"hostname", ctx.hostname}, {"conductor_group", ctx.conductor_group}});
}

void unregister_conductor(Context& ctx) {
    db::Session s(*ctx.database, true);
    const auto& table = db::conductors_table();
    if (auto existing = s.find(table, "hostname", ctx.hostname)) {
        s.update(table, (*existing)["id"], (*existing)["row_version"],
                 {{"online", false}, {"updated_at", utc_now_iso()}});
    }
    s.commit();
}

}  // namespace ingot::conductor
