#include "tests/support/node_records.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/ids.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

bool put_in_wait_callback(const ConductorProcess& conductor, const std::string& uuid,
                          const std::string& driver_internal_info) {
    SQLite::Database db(conductor.state_dir() + "/ingot.sqlite", SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    SQLite::Statement q(db,
                        "UPDATE nodes SET provision_state = 'wait call-back', target_provision_state = 'active', "
                        "provision_updated_at = ?, driver_internal_info = coalesce(?, driver_internal_info), "
                        "row_version = row_version + 1 WHERE uuid = ?");
    q.bind(1, utc_now_iso());
    if (driver_internal_info.empty())
        q.bind(2);
    else
        q.bind(2, driver_internal_info);
    q.bind(3, uuid);
    return q.exec() == 1;
}

}  // namespace ingot::test
