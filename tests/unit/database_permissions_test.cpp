// The SQLite file holds BMC passwords in clear: created 0600 with its -wal
// and -shm, and an older world-readable one tightened when opened.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "db/database.h"
#include "db/store.h"
#include "tests/support/conductor_process.h"

using namespace ingot;

namespace {

mode_t mode_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 07777;
    return st.st_mode & 07777;
}

TEST(DatabasePermissions, ANewDatabaseAndItsWalAreTheOwnersOnly) {
    test::TempDir dir;
    const std::string path = dir.path() + "/state/ingot.sqlite";
    const mode_t old_umask = ::umask(0);  // the most permissive: the file must not inherit it
    db::Database database(path);
    {
        db::Session s(database, true);
        s.commit();
    }
    ::umask(old_umask);
    auto lease = database.connect();  // keeps the WAL and shared memory files open
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(mode_of(path + "-wal"), 0600u);
    EXPECT_EQ(mode_of(path + "-shm"), 0600u);
}

TEST(DatabasePermissions, AWorldReadableDatabaseIsTightenedWhenOpened) {
    test::TempDir dir;
    const std::string path = dir.path() + "/ingot.sqlite";
    { db::Database first(path); }
    for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
        std::ofstream(file, std::ios::app).close();
        ::chmod(file.c_str(), 0644);
    }
    db::Database again(path);
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(mode_of(path + "-wal"), 0600u);
    EXPECT_EQ(mode_of(path + "-shm"), 0600u);
}

}  // namespace
