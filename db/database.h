// The SQLite database file and a pool of connections to it. Every connection
// runs in WAL mode with synchronous=NORMAL and a busy timeout, so readers
// never wait for the writer and writers queue briefly instead of failing.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace SQLite { class Database; }

namespace ingot::db {

class Database {
public:
    // Opens (creating if needed) the file and applies pending migrations when
    // `migrate` is true; otherwise refuses a file whose schema is not current.
    Database(std::string path, bool migrate = true);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // A connection borrowed from the pool for the lifetime of the lease.
    class Lease {
    public:
        Lease(Database& owner, std::unique_ptr<SQLite::Database> conn);
        ~Lease();
        Lease(Lease&&) noexcept;
        SQLite::Database& operator*() { return *conn_; }
        SQLite::Database* operator->() { return conn_.get(); }

    private:
        Database* owner_;
        std::unique_ptr<SQLite::Database> conn_;
    };
    Lease connect();

    const std::string& path() const { return path_; }

    // "sqlite:///relative/or/absolute/path" (as in ironic.conf) to a path.
    static std::string path_from_url(const std::string& url);

private:
    std::unique_ptr<SQLite::Database> open_connection();
    void give_back(std::unique_ptr<SQLite::Database> conn);

    std::string path_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<SQLite::Database>> idle_;
};

}  // namespace ingot::db
