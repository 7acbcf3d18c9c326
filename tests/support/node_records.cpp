#include "tests/support/node_records.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/ids.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

bool put_in_state(const ConductorProcess& conductor, const std::string& uuid, const std::string& state,
                  const std::string& driver_internal_info) {
    SQLite::Database db(conductor.state_dir() + "/ingot.sqlite", SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    SQLite::Statement q(db,
                        "UPDATE nodes SET provision_state = ?, target_provision_state = 'active', "
                        "provision_updated_at = ?, driver_internal_info = coalesce(?, driver_internal_info), "
                        "row_version = row_version + 1 WHERE uuid = ?");
    q.bind(1, state);
    q.bind(2, utc_now_iso());
    if (driver_internal_info.empty())
        q.bind(3);
    else
        q.bind(3, driver_internal_info);
    q.bind(4, uuid);
    return q.exec() == 1;
}

bool put_in_wait_callback(const ConductorProcess& conductor, const std::string& uuid,
                          const std::string& driver_internal_info) {
    return put_in_state(conductor, uuid, "wait call-back", driver_internal_info);
}

}  // namespace ingot::test
