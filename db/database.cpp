#include "db/database.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"
#include "db/schema.h"

namespace ingot::db {

namespace {

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// The database holds BMC passwords in clear: only its owner may read it.
// A new file is created 0600 before SQLite opens it (SQLite gives its -wal
// and -shm files the database's mode); an existing one that others may
// read is tightened, with its side files, and the change is logged.
void make_private(const std::string& path) {
    if (path.empty() || path[0] == ':') return;  // ":memory:"
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
        ::fchmod(fd, 0600);  // whatever the umask
        ::close(fd);
        return;
    }
    if (errno != EEXIST) throw ConfigError("cannot create database " + path + ": " + std::strerror(errno));
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        const std::string file = path + suffix;
        struct stat st {};
        if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0) continue;
        if (::chmod(file.c_str(), st.st_mode & 0700) != 0)
            throw ConfigError("database " + file + " is readable by others (mode " + mode_text(st.st_mode) +
                              ") and cannot be made private: " + std::strerror(errno));
        log::warning("database.permissions_tightened",
                     {{"file", file}, {"old_mode", mode_text(st.st_mode)}, {"mode", mode_text(st.st_mode & 0700)}});
    }
}

// Keep this many idle connections; more may exist briefly under load.
constexpr size_t kMaxIdle = 16;
// Statements cached per connection; the SQL texts are few (built from the
// fixed column tables), so this bound is only a safety net.
constexpr size_t kMaxStatements = 256;
}  // namespace

struct Database::Connection {
    explicit Connection(const std::string& path)
        : db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX) {}
    SQLite::Database db;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements;
};

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
    make_private(path_);
    auto conn = open_connection();
    if (migrate_now) {
        migrate(conn->db);
    } else if (schema_version(conn->db) != latest_schema_version()) {
        throw ConfigError("database " + path_ + " is at schema version " + std::to_string(schema_version(conn->db)) +
                          ", expected " + std::to_string(latest_schema_version()) +
                          "; run ingot-conductor --upgrade-db");
    }
    give_back(std::move(conn));
}

Database::~Database() = default;

std::unique_ptr<Database::Connection> Database::open_connection() {
    auto conn = std::make_unique<Connection>(path_);
    conn->db.exec("PRAGMA journal_mode=WAL");
    conn->db.exec("PRAGMA synchronous=NORMAL");
    conn->db.exec("PRAGMA foreign_keys=ON");
    // Bound the WAL file: concurrent readers can delay checkpoints, and
    // without a limit the file keeps its largest size.
    conn->db.exec("PRAGMA journal_size_limit=67108864");
    conn->db.setBusyTimeout(10000);
    return conn;
}

void Database::give_back(std::unique_ptr<Connection> conn) {
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

Database::Lease::Lease(Database& owner, std::unique_ptr<Connection> conn) : owner_(&owner), conn_(std::move(conn)) {}

SQLite::Database& Database::Lease::operator*() {
    return conn_->db;
}
SQLite::Database* Database::Lease::operator->() {
    return &conn_->db;
}

SQLite::Statement& Database::Lease::prepare(const std::string& sql) {
    auto it = conn_->statements.find(sql);
    if (it == conn_->statements.end()) {
        if (conn_->statements.size() >= kMaxStatements) conn_->statements.clear();
        it = conn_->statements.emplace(sql, std::make_unique<SQLite::Statement>(conn_->db, sql)).first;
    } else {
        it->second->reset();
        it->second->clearBindings();
    }
    return *it->second;
}

Database::Lease::Lease(Lease&& other) noexcept : owner_(other.owner_), conn_(std::move(other.conn_)) {}

Database::Lease::~Lease() {
    if (conn_) owner_->give_back(std::move(conn_));
}

}  // namespace ingot::db
