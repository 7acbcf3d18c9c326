#include "db/schema.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "common/errors.h"
#include "common/log.h"

namespace ingot::db {
namespace {

// Append only: never edit a migration that has shipped.
const std::vector<const char*>& migrations() {
    static const std::vector<const char*> list = {
        // 1: the foundation tables. Unique constraints follow Ironic's
        // (node uuid/name/instance_uuid, port uuid/address, portgroup
        // uuid/name/address, chassis uuid, conductor hostname).
        R"SQL(
        CREATE TABLE chassis (
            id INTEGER PRIMARY KEY,
            row_version INTEGER NOT NULL DEFAULT 1,
            uuid TEXT NOT NULL UNIQUE,
            description TEXT,
            extra TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT
        );
        CREATE TABLE nodes (
            id INTEGER PRIMARY KEY,
            row_version INTEGER NOT NULL DEFAULT 1,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT UNIQUE,
            driver TEXT NOT NULL,
            driver_info TEXT NOT NULL DEFAULT '{}',
            driver_internal_info TEXT NOT NULL DEFAULT '{}',
            instance_uuid TEXT UNIQUE,
            instance_info TEXT NOT NULL DEFAULT '{}',
            properties TEXT NOT NULL DEFAULT '{}',
            extra TEXT NOT NULL DEFAULT '{}',
            chassis_id INTEGER REFERENCES chassis(id),
            power_state TEXT,
            target_power_state TEXT,
            provision_state TEXT,
            target_provision_state TEXT,
            provision_updated_at TEXT,
            last_error TEXT,
            maintenance INTEGER NOT NULL DEFAULT 0,
            maintenance_reason TEXT,
            fault TEXT,
            reservation TEXT,
            conductor_group TEXT NOT NULL DEFAULT '',
            console_enabled INTEGER NOT NULL DEFAULT 0,
            clean_step TEXT NOT NULL DEFAULT '{}',
            deploy_step TEXT NOT NULL DEFAULT '{}',
            raid_config TEXT NOT NULL DEFAULT '{}',
            target_raid_config TEXT NOT NULL DEFAULT '{}',
            resource_class TEXT,
            traits TEXT NOT NULL DEFAULT '[]',
            inspection_started_at TEXT,
            inspection_finished_at TEXT,
            automated_clean INTEGER,
            protected INTEGER NOT NULL DEFAULT 0,
            protected_reason TEXT,
            retired INTEGER NOT NULL DEFAULT 0,
            retired_reason TEXT,
            owner TEXT,
            lessee TEXT,
            description TEXT,
            allocation_uuid TEXT,
            network_data TEXT NOT NULL DEFAULT '{}',
            boot_mode TEXT,
            secure_boot INTEGER,
            shard TEXT,
            bios_interface TEXT,
            boot_interface TEXT,
            console_interface TEXT,
            deploy_interface TEXT,
            inspect_interface TEXT,
            management_interface TEXT,
            network_interface TEXT,
            power_interface TEXT,
            raid_interface TEXT,
            rescue_interface TEXT,
            storage_interface TEXT,
            vendor_interface TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT
        );
        CREATE INDEX nodes_provision_state ON nodes(provision_state);
        CREATE INDEX nodes_driver ON nodes(driver);
        CREATE INDEX nodes_reservation ON nodes(reservation) WHERE reservation IS NOT NULL;
        CREATE INDEX nodes_conductor_group ON nodes(conductor_group);
        CREATE INDEX nodes_owner ON nodes(owner);
        CREATE INDEX nodes_resource_class ON nodes(resource_class);
        CREATE TABLE portgroups (
            id INTEGER PRIMARY KEY,
            row_version INTEGER NOT NULL DEFAULT 1,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT UNIQUE,
            address TEXT UNIQUE,
            node_id INTEGER NOT NULL REFERENCES nodes(id),
            extra TEXT NOT NULL DEFAULT '{}',
            internal_info TEXT NOT NULL DEFAULT '{}',
            standalone_ports_supported INTEGER NOT NULL DEFAULT 1,
            mode TEXT,
            properties TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT
        );
        CREATE TABLE ports (
            id INTEGER PRIMARY KEY,
            row_version INTEGER NOT NULL DEFAULT 1,
            uuid TEXT NOT NULL UNIQUE,
            address TEXT NOT NULL UNIQUE,
            node_id INTEGER NOT NULL REFERENCES nodes(id),
            portgroup_id INTEGER REFERENCES portgroups(id),
            extra TEXT NOT NULL DEFAULT '{}',
            local_link_connection TEXT NOT NULL DEFAULT '{}',
            pxe_enabled INTEGER NOT NULL DEFAULT 1,
            internal_info TEXT NOT NULL DEFAULT '{}',
            physical_network TEXT,
            is_smartnic INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT
        );
        CREATE INDEX ports_node_id ON ports(node_id);
        CREATE TABLE conductors (
            id INTEGER PRIMARY KEY,
            row_version INTEGER NOT NULL DEFAULT 1,
            hostname TEXT NOT NULL UNIQUE,
            conductor_group TEXT NOT NULL DEFAULT '',
            online INTEGER NOT NULL DEFAULT 1,
            drivers TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT
        );
        )SQL",
        // 2: node history (GET /v1/nodes/{id}/history): transitions and errors.
        R"SQL(
        CREATE TABLE node_history (
            id INTEGER PRIMARY KEY,
            row_version INTEGER NOT NULL DEFAULT 1,
            uuid TEXT NOT NULL UNIQUE,
            node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            conductor TEXT,
            event_type TEXT NOT NULL,
            severity TEXT NOT NULL,
            event TEXT NOT NULL,
            user TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX node_history_node_id ON node_history(node_id, id);
        )SQL",
    };
    return list;
}

}  // namespace

int latest_schema_version() {
    return static_cast<int>(migrations().size());
}

int schema_version(SQLite::Database& db) {
    return db.execAndGet("PRAGMA user_version").getInt();
}

int migrate(SQLite::Database& db) {
    int current = schema_version(db);
    int latest = latest_schema_version();
    if (current > latest) {
        throw ConfigError("database schema version " + std::to_string(current) +
                          " is newer than this Ingot supports (" + std::to_string(latest) +
                          "); refusing to run an older conductor against it");
    }
    int applied = 0;
    for (int v = current + 1; v <= latest; ++v) {
        SQLite::Transaction txn(db);
        db.exec(migrations()[v - 1]);
        db.exec("PRAGMA user_version = " + std::to_string(v));
        txn.commit();
        ++applied;
        log::info("db.migrated", {{"schema_version", std::to_string(v)}});
    }
    return applied;
}

}  // namespace ingot::db
