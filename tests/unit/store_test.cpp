#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/ids.h"
#include "db/database.h"
#include "db/schema.h"
#include "db/store.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

class StoreTest : public ::testing::Test {
protected:
    test::TempDir dir;
    db::Database database{dir.path() + "/ingot.sqlite"};

    db::Record add_node(const std::string& name, const std::string& state = "enroll") {
        db::Session s(database, true);
        json values = {{"uuid", generate_uuid()},
                       {"driver", "fake-hardware"},
                       {"provision_state", state},
                       {"created_at", utc_now_iso()}};
        if (!name.empty()) values["name"] = name;
        auto r = s.insert(db::nodes_table(), values);
        s.commit();
        return r;
    }
};

}  // namespace

TEST_F(StoreTest, FileIsMigratedToLatestWithWal) {
    SQLite::Database raw(database.path());
    EXPECT_EQ(db::schema_version(raw), db::latest_schema_version());
    EXPECT_EQ(raw.execAndGet("PRAGMA journal_mode").getString(), "wal");
    // Re-opening applies nothing new.
    EXPECT_EQ(db::migrate(raw), 0);
}

TEST_F(StoreTest, NewerSchemaIsRefused) {
    {
        SQLite::Database raw(database.path(), SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = 999");
    }
    EXPECT_THROW(db::Database(database.path()), ConfigError);
}

TEST_F(StoreTest, InsertReadsBackDefaultsAndJson) {
    db::Record n = add_node("n1");
    EXPECT_EQ(n["name"], "n1");
    EXPECT_EQ(n["driver_info"], json::object());
    EXPECT_EQ(n["traits"], json::array());
    EXPECT_EQ(n["maintenance"], false);
    EXPECT_TRUE(n["chassis_uuid"].is_null());
    EXPECT_EQ(n["row_version"], 1);
}

TEST_F(StoreTest, UniqueConstraintsNameTheColumn) {
    add_node("dup");
    try {
        add_node("dup");
        FAIL() << "duplicate name accepted";
    } catch (const db::DuplicateEntry& e) {
        EXPECT_EQ(e.column(), "name");
    }
    // Unnamed nodes do not collide.
    add_node("");
    add_node("");
}

TEST_F(StoreTest, OptimisticUpdateRefusesStaleWriters) {
    db::Record n = add_node("n1");
    db::Session s(database, true);
    auto updated = s.update(db::nodes_table(), n["id"], n["row_version"], {{"driver_info", {{"a", 1}}}});
    EXPECT_EQ(updated["row_version"], 2);
    EXPECT_EQ(updated["driver_info"]["a"], 1);
    EXPECT_THROW(s.update(db::nodes_table(), n["id"], n["row_version"], {{"name", "x"}}), db::StaleRecord);
}

TEST_F(StoreTest, RolledBackSessionWritesNothing) {
    {
        db::Session s(database, true);
        s.insert(db::nodes_table(), {{"uuid", generate_uuid()}, {"driver", "d"}, {"created_at", "t"}});
        // no commit
    }
    db::Session s(database);
    EXPECT_EQ(s.count(db::nodes_table(), {}), 0);
}

TEST_F(StoreTest, KeysetPaginationVisitsEveryRowOnce) {
    const std::vector<std::string> states = {"enroll", "available", "active", "manageable"};
    for (int i = 0; i < 23; ++i) add_node(i % 5 ? "n" + std::to_string(i) : "", states[i % 4]);
    for (const std::string key : {"id", "name", "provision_state"}) {
        for (bool desc : {false, true}) {
            db::Session s(database);
            db::ListQuery q;
            q.sort_key = key;
            q.descending = desc;
            q.limit = 4;
            std::vector<int64_t> seen;
            json previous;
            while (true) {
                auto page = s.list(db::nodes_table(), q);
                for (const auto& r : page) {
                    if (!previous.is_null() && key != "id" && !r[key].is_null() && !previous[key].is_null()) {
                        if (desc)
                            EXPECT_GE(previous[key], r[key]);
                        else
                            EXPECT_LE(previous[key], r[key]);
                    }
                    previous = r;
                    seen.push_back(r["id"]);
                }
                if (page.size() < 4) break;
                q.marker = page.back();
            }
            std::sort(seen.begin(), seen.end());
            EXPECT_EQ(seen.size(), 23u) << key << (desc ? " desc" : " asc");
            EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << "duplicate row for " << key;
        }
    }
}

TEST_F(StoreTest, FiltersAndSelectedColumns) {
    add_node("a", "active");
    add_node("b", "enroll");
    db::Session s(database);
    db::ListQuery q;
    q.filters = {{"provision_state", db::Filter::Op::eq, "active"}};
    q.columns = {"uuid", "name"};
    auto rows = s.list(db::nodes_table(), q);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["name"], "a");
    EXPECT_FALSE(rows[0].contains("driver"));
    q.filters = {{"name", db::Filter::Op::contains, "b"}};
    EXPECT_EQ(s.list(db::nodes_table(), q).size(), 1u);
    EXPECT_THROW(s.list(db::nodes_table(), db::ListQuery{{{"nope", db::Filter::Op::eq, 1}}}), InvalidInput);
}
