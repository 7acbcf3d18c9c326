// The versioned SQLite schema. Migrations are applied in order at conductor
// start (and by `ingot-conductor --upgrade-db`); PRAGMA user_version records
// how far a database file has come. A file from a newer Ingot is refused.
#pragma once

namespace SQLite {
class Database;
}

namespace ingot::db {

int latest_schema_version();
// Applies every migration newer than the file's version, each in its own
// transaction. Returns the number applied.
int migrate(SQLite::Database& db);
int schema_version(SQLite::Database& db);

}  // namespace ingot::db
