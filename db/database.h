// The SQLite database file and a pool of connections to it. Every connection
// runs in WAL mode with synchronous=NORMAL and a busy timeout, so readers
// never wait for the writer and writers queue briefly instead of failing.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace ingot::db {

class Database {
public:
    // Opens (creating if needed) the file and applies pending migrations when
    // `migrate` is true; otherwise refuses a file whose schema is not current.
    // The file and its -wal/-shm are private (0600): a new one is created
    // so, an existing one others may read is tightened (and logged).
    Database(std::string path, bool migrate = true);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    struct Connection;

    // A connection borrowed from the pool for the lifetime of the lease.
    class Lease {
    public:
        Lease(Database& owner, std::unique_ptr<Connection> conn);
        ~Lease();
        Lease(Lease&&) noexcept;
        SQLite::Database& operator*();
        SQLite::Database* operator->();
        // A prepared statement for `sql`, compiled once per connection and
        // reused (reset, bindings cleared). The caller must reset() it when
        // done, or the connection keeps an old read snapshot.
        SQLite::Statement& prepare(const std::string& sql);

    private:
        Database* owner_;
        std::unique_ptr<Connection> conn_;
    };
    Lease connect();

    // Writers queue here instead of spinning in SQLite's busy handler,
    // which sleeps in growing steps and gives long latency tails.
    std::mutex& write_mutex() { return write_mutex_; }

    const std::string& path() const { return path_; }

    // "sqlite:///relative/or/absolute/path" (as in ironic.conf) to a path.
    static std::string path_from_url(const std::string& url);

private:
    std::unique_ptr<Connection> open_connection();
    void give_back(std::unique_ptr<Connection> conn);

    std::string path_;
    std::mutex mutex_;
    std::mutex write_mutex_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace ingot::db
