#include "db/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "common/json_input.h"
#include "common/strings.h"

namespace ingot::db {
namespace {

// Cached statements go back to the pool reset, so that they hold no read
// snapshot (which would hide newer writes and block WAL checkpoints).
struct ResetOnExit {
    SQLite::Statement& st;
    ~ResetOnExit() {
        try {
            st.reset();
        } catch (...) {
        }
    }
};

void require_column(const Table& t, const std::string& name) {
    if (name == "id" || t.find(name)) return;
    throw InvalidInput("unknown column " + t.name + "." + name);
}

std::string column_sql(const Table& t, const std::string& name) {
    const Column* c = t.find(name);
    if (c && c->kind == Kind::computed) return c->sql;
    return t.name + "." + name;
}

void bind_value(SQLite::Statement& st, int index, const Column* col, const nlohmann::json& v) {
    if (v.is_null()) {
        st.bind(index);
        return;
    }
    // Without a column (ids, substrings) the JSON type decides.
    Kind kind = col ? col->kind : (v.is_number_integer() ? Kind::integer : Kind::text);
    switch (kind) {
        case Kind::json:
            st.bind(index, v.dump());
            return;
        case Kind::boolean:
            st.bind(index, static_cast<int32_t>(v.get<bool>() ? 1 : 0));
            return;
        case Kind::integer:
            st.bind(index, v.get<int64_t>());
            return;
        default:
            if (v.is_string())
                st.bind(index, v.get<std::string>());
            else if (v.is_boolean())
                st.bind(index, static_cast<int32_t>(v.get<bool>() ? 1 : 0));
            else if (v.is_number_integer())
                st.bind(index, v.get<int64_t>());
            else
                st.bind(index, v.dump());
    }
}

nlohmann::json read_value(const SQLite::Column& value, Kind kind) {
    if (value.isNull()) return nullptr;
    switch (kind) {
        case Kind::json:
            return parse_json(value.getString());
        case Kind::boolean:
            return value.getInt() != 0;
        case Kind::integer:
            return value.getInt64();
        default:
            return value.getString();
    }
}

std::vector<const Column*> selected(const Table& t, const std::vector<std::string>& names) {
    std::vector<const Column*> out;
    if (names.empty()) {
        for (const auto& c : t.columns) out.push_back(&c);
        return out;
    }
    for (const auto& n : names) {
        if (n == "id") continue;
        require_column(t, n);
        out.push_back(t.find(n));
    }
    return out;
}

std::string select_list(const Table& t, const std::vector<const Column*>& cols) {
    std::string sql = t.name + ".id, " + t.name + ".row_version";
    for (const Column* c : cols) sql += ", " + column_sql(t, c->name);
    return sql;
}

Record read_row(SQLite::Statement& st, const std::vector<const Column*>& cols) {
    Record r = nlohmann::json::object();
    r["id"] = st.getColumn(0).getInt64();
    r["row_version"] = st.getColumn(1).getInt64();
    for (size_t i = 0; i < cols.size(); ++i) {
        Kind kind = cols[i]->kind == Kind::computed ? Kind::text : cols[i]->kind;
        r[cols[i]->name] = read_value(st.getColumn(static_cast<int>(i + 2)), kind);
    }
    return r;
}

// Appends "a AND b AND ..." for the filters, collecting bind values.
std::string where_clause(const Table& t, const std::vector<Filter>& filters,
                         std::vector<std::pair<const Column*, nlohmann::json>>& binds) {
    std::vector<std::string> parts;
    for (const auto& f : filters) {
        require_column(t, f.column);
        std::string col = column_sql(t, f.column);
        const Column* c = t.find(f.column);
        switch (f.op) {
            case Filter::Op::eq:
                if (f.value.is_null()) {
                    parts.push_back(col + " IS NULL");
                    break;
                }
                parts.push_back(col + " = ?");
                binds.emplace_back(c, f.value);
                break;
            case Filter::Op::is_null:
                parts.push_back(col + " IS NULL");
                break;
            case Filter::Op::not_null:
                parts.push_back(col + " IS NOT NULL");
                break;
            case Filter::Op::contains:
                // instr() is a literal substring match, unlike LIKE's wildcards.
                parts.push_back("instr(" + col + ", ?) > 0");
                binds.emplace_back(nullptr, f.value);
                break;
            case Filter::Op::eq_either: {
                require_column(t, f.other_column);
                parts.push_back("(" + col + " = ? OR " + column_sql(t, f.other_column) + " = ?)");
                binds.emplace_back(c, f.value);
                binds.emplace_back(t.find(f.other_column), f.value);
                break;
            }
            case Filter::Op::in: {
                if (!f.value.is_array() || f.value.empty()) {
                    parts.push_back("0");  // IN () matches nothing
                    break;
                }
                std::vector<std::string> marks(f.value.size(), "?");
                parts.push_back(col + " IN (" + join(marks, ", ") + ")");
                for (const auto& v : f.value) binds.emplace_back(c, v);
                break;
            }
        }
    }
    return join(parts, " AND ");
}

[[noreturn]] void rethrow_constraint(const Table& t, const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
        e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY) {
        // Message: "UNIQUE constraint failed: nodes.name"
        std::string msg = e.what();
        auto dot = msg.rfind('.');
        std::string column = dot == std::string::npos ? "" : msg.substr(dot + 1);
        throw DuplicateEntry(t.name, column);
    }
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_FOREIGNKEY)
        throw Conflict(t.name + ": a referenced record does not exist or is still in use");
    throw;
}

}  // namespace

Session::Session(Database& db, bool write_transaction) : conn_(db.connect()) {
    if (write_transaction) {
        writer_ = std::unique_lock(db.write_mutex());
        conn_->exec("BEGIN IMMEDIATE");
        in_txn_ = true;
    }
}

Session::~Session() {
    if (in_txn_) {
        try {
            conn_->exec("ROLLBACK");
        } catch (...) {
        }
    }
}

void Session::commit() {
    if (!in_txn_) return;
    conn_->exec("COMMIT");
    in_txn_ = false;
    // Let the next writer in at once; this session may go on reading.
    if (writer_.owns_lock()) writer_.unlock();
}

Record Session::insert(const Table& t, const Record& values) {
    std::vector<std::string> names, marks;
    std::vector<std::pair<const Column*, nlohmann::json>> binds;
    for (auto it = values.begin(); it != values.end(); ++it) {
        const Column* c = t.find(it.key());
        if (!c || c->kind == Kind::computed) throw InvalidInput("cannot insert " + t.name + "." + it.key());
        names.push_back(it.key());
        marks.push_back("?");
        binds.emplace_back(c, it.value());
    }
    std::string sql = "INSERT INTO " + t.name + " (" + join(names, ", ") + ") VALUES (" + join(marks, ", ") + ")";
    int64_t id = 0;
    try {
        SQLite::Statement& st = conn_.prepare(sql);
        ResetOnExit done{st};
        for (size_t i = 0; i < binds.size(); ++i)
            bind_value(st, static_cast<int>(i + 1), binds[i].first, binds[i].second);
        st.exec();
        id = conn_->getLastInsertRowid();
    } catch (const SQLite::Exception& e) {
        rethrow_constraint(t, e);
    }
    return *find(t, "id", id);
}

std::optional<Record> Session::find(const Table& t, const std::string& column, const nlohmann::json& value,
                                    const std::vector<std::string>& columns) {
    require_column(t, column);
    auto cols = selected(t, columns);
    std::string sql = "SELECT " + select_list(t, cols) + " FROM " + t.name + " WHERE " +
                      (column == "id" ? t.name + ".id" : column_sql(t, column)) + " = ?";
    SQLite::Statement& st = conn_.prepare(sql);
    ResetOnExit done{st};
    bind_value(st, 1, column == "id" ? nullptr : t.find(column), value);
    if (!st.executeStep()) return std::nullopt;
    return read_row(st, cols);
}

std::vector<Record> Session::list(const Table& t, const ListQuery& q) {
    require_column(t, q.sort_key);
    auto cols = selected(t, q.columns);
    std::vector<std::pair<const Column*, nlohmann::json>> binds;
    std::string where = where_clause(t, q.filters, binds);
    std::string sort_col = q.sort_key == "id" ? t.name + ".id" : column_sql(t, q.sort_key);
    const Column* sort_meta = q.sort_key == "id" ? nullptr : t.find(q.sort_key);

    if (q.marker) {
        // Keyset pagination on (sort column, id), with NULLs first in
        // ascending order as SQLite sorts them.
        const nlohmann::json& mid = (*q.marker)["id"];
        const nlohmann::json mval = q.sort_key == "id" ? mid : q.marker->value(q.sort_key, nlohmann::json());
        const std::string after = q.descending ? "<" : ">";
        std::string cond;
        if (q.sort_key == "id") {
            cond = t.name + ".id " + after + " ?";
            binds.emplace_back(nullptr, mid);
        } else if (mval.is_null()) {
            cond = q.descending ? "(" + sort_col + " IS NULL AND " + t.name + ".id < ?)"
                                : "(" + sort_col + " IS NOT NULL OR " + t.name + ".id > ?)";
            binds.emplace_back(nullptr, mid);
        } else {
            cond = "(" + sort_col + " " + after + " ? OR (" + sort_col + " = ? AND " + t.name + ".id " + after + " ?)" +
                   (q.descending ? " OR " + sort_col + " IS NULL" : "") + ")";
            binds.emplace_back(sort_meta, mval);
            binds.emplace_back(sort_meta, mval);
            binds.emplace_back(nullptr, mid);
        }
        where = where.empty() ? cond : where + " AND " + cond;
    }
    std::string dir = q.descending ? " DESC" : " ASC";
    std::string sql = "SELECT " + select_list(t, cols) + " FROM " + t.name;
    if (!where.empty()) sql += " WHERE " + where;
    sql += " ORDER BY " + sort_col + dir;
    if (q.sort_key != "id") sql += ", " + t.name + ".id" + dir;
    if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);

    SQLite::Statement& st = conn_.prepare(sql);
    ResetOnExit done{st};
    for (size_t i = 0; i < binds.size(); ++i) bind_value(st, static_cast<int>(i + 1), binds[i].first, binds[i].second);
    std::vector<Record> out;
    while (st.executeStep()) out.push_back(read_row(st, cols));
    return out;
}

long long Session::count(const Table& t, const std::vector<Filter>& filters) {
    std::vector<std::pair<const Column*, nlohmann::json>> binds;
    std::string where = where_clause(t, filters, binds);
    std::string sql = "SELECT COUNT(*) FROM " + t.name + (where.empty() ? "" : " WHERE " + where);
    SQLite::Statement& st = conn_.prepare(sql);
    ResetOnExit done{st};
    for (size_t i = 0; i < binds.size(); ++i) bind_value(st, static_cast<int>(i + 1), binds[i].first, binds[i].second);
    st.executeStep();
    return st.getColumn(0).getInt64();
}

Record Session::update(const Table& t, int64_t id, int64_t expected_version, const Record& changes) {
    std::vector<std::string> sets;
    std::vector<std::pair<const Column*, nlohmann::json>> binds;
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        const Column* c = t.find(it.key());
        if (!c || c->kind == Kind::computed) throw InvalidInput("cannot update " + t.name + "." + it.key());
        sets.push_back(it.key() + " = ?");
        binds.emplace_back(c, it.value());
    }
    sets.push_back("row_version = row_version + 1");
    std::string sql = "UPDATE " + t.name + " SET " + join(sets, ", ") + " WHERE id = ? AND row_version = ?";
    try {
        SQLite::Statement& st = conn_.prepare(sql);
        ResetOnExit done{st};
        int i = 1;
        for (const auto& [col, v] : binds) bind_value(st, i++, col, v);
        st.bind(i++, id);
        st.bind(i++, expected_version);
        if (st.exec() == 0) {
            throw StaleRecord(t.name + " record " + std::to_string(id) +
                              " was changed by another request; reload it and try again");
        }
    } catch (const SQLite::Exception& e) {
        rethrow_constraint(t, e);
    }
    return *find(t, "id", id);
}

int Session::remove(const Table& t, const std::vector<Filter>& filters) {
    std::vector<std::pair<const Column*, nlohmann::json>> binds;
    std::string where = where_clause(t, filters, binds);
    if (where.empty()) throw InvalidInput("refusing to delete every row of " + t.name);
    SQLite::Statement& st = conn_.prepare("DELETE FROM " + t.name + " WHERE " + where);
    ResetOnExit done{st};
    for (size_t i = 0; i < binds.size(); ++i) bind_value(st, static_cast<int>(i + 1), binds[i].first, binds[i].second);
    try {
        return st.exec();
    } catch (const SQLite::Exception& e) {
        rethrow_constraint(t, e);
    }
}

}  // namespace ingot::db
