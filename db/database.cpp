#include "db/database.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>

#include "common/errors.h"
#include "common/strings.h"
#include "db/schema.h"

namespace ingot::db {

namespace {
// Keep this many idle connections; more may exist briefly under load.
constexpr size_t kMaxIdle = 16;
}  // namespace

std::string Database::path_from_url(const std::string& url) {
    const std::string prefix = "sqlite:///";
    if (!starts_with(url, prefix))
        throw ConfigError("[database] connection must look like sqlite:///PATH, got '" + url + "'");
    std::string path = url.substr(prefix.size());
    // sqlite:////abs/path is absolute (four slashes), sqlite:///rel/path relative.
    if (path.empty()) throw ConfigError("[database] connection has an empty path");
    return path;
}

Database::Database(std::string path, bool migrate_now) : path_(std::move(path)) {
    std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    auto conn = open_connection();
    conn->exec("PRAGMA journal_mode=WAL");
    if (migrate_now) {
        migrate(*conn);
    } else if (schema_version(*conn) != latest_schema_version()) {
        throw ConfigError("database " + path_ + " is at schema version " +
                          std::to_string(schema_version(*conn)) + ", expected " +
                          std::to_string(latest_schema_version()) + "; run ingot-conductor --upgrade-db");
    }
    give_back(std::move(conn));
}

Database::~Database() = default;

std::unique_ptr<SQLite::Database> Database::open_connection() {
    auto conn = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                                              SQLite::OPEN_NOMUTEX);
    conn->exec("PRAGMA journal_mode=WAL");
    conn->exec("PRAGMA synchronous=NORMAL");
    conn->exec("PRAGMA foreign_keys=ON");
    conn->setBusyTimeout(10000);
    return conn;
}

void Database::give_back(std::unique_ptr<SQLite::Database> conn) {
    std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
}

Database::Lease Database::connect() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(conn));
        }
    }
    return Lease(*this, open_connection());
}

Database::Lease::Lease(Database& owner, std::unique_ptr<SQLite::Database> conn)
    : owner_(&owner), conn_(std::move(conn)) {}

Database::Lease::Lease(Lease&& other) noexcept : owner_(other.owner_), conn_(std::move(other.conn_)) {}

Database::Lease::~Lease() {
    if (conn_) owner_->give_back(std::move(conn_));
}

}  // namespace ingot::db
