// Generic record store over the tables in table.h. Records are JSON objects
// keyed by column name plus the internal "id" and "row_version". Updates are
// optimistic: they name the row_version they read and fail with StaleRecord
// if someone else wrote in between. This is the only place that writes SQL
// for records; repositories add resource rules on top.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"
#include "db/database.h"
#include "db/table.h"

namespace ingot::db {

using Record = nlohmann::json;

// A unique constraint refused the write; `column` names the constraint.
class DuplicateEntry : public Conflict {
public:
    DuplicateEntry(std::string table, std::string column)
        : Conflict("duplicate " + table + "." + column), table_(std::move(table)), column_(std::move(column)) {}
    const std::string& column() const { return column_; }
    const std::string& table() const { return table_; }

private:
    std::string table_, column_;
};

// The row changed since it was read.
class StaleRecord : public Conflict {
public:
    using Conflict::Conflict;
};

struct Filter {
    // eq_either: `column` or `other_column` equals the value (a node's owner
    // or lessee); in: `column` is one of the values (a JSON array).
    enum class Op { eq, is_null, not_null, contains, eq_either, in };
    std::string column;
    Op op = Op::eq;
    nlohmann::json value;  // for eq, contains, eq_either and in
    std::string other_column;
};

struct ListQuery {
    std::vector<Filter> filters;
    std::string sort_key = "id";
    bool descending = false;
    long long limit = 0;               // 0: no limit
    std::optional<Record> marker;      // a record holding "id" and the sort_key column
    std::vector<std::string> columns;  // empty: every column
};

// One connection, optionally inside a write transaction (BEGIN IMMEDIATE).
class Session {
public:
    explicit Session(Database& db, bool write_transaction = false);
    ~Session();  // rolls back an uncommitted transaction
    void commit();

    Record insert(const Table& table, const Record& values);
    std::optional<Record> find(const Table& table, const std::string& column, const nlohmann::json& value,
                               const std::vector<std::string>& columns = {});
    std::vector<Record> list(const Table& table, const ListQuery& query);
    long long count(const Table& table, const std::vector<Filter>& filters);
    // Applies `changes` (column -> value) if the row is still at `expected_version`.
    Record update(const Table& table, int64_t id, int64_t expected_version, const Record& changes);
    // Deletes rows matching all filters; returns how many.
    int remove(const Table& table, const std::vector<Filter>& filters);

private:
    Database::Lease conn_;
    std::unique_lock<std::mutex> writer_;  // held from BEGIN to COMMIT/ROLLBACK
    bool in_txn_ = false;
};

}  // namespace ingot::db
