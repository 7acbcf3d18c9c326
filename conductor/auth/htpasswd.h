// An Apache htpasswd file of bcrypt entries (`htpasswd -B`), as Ironic's
// http_basic reads it: one `user:$2y$...` per line. Other hash kinds (MD5,
// SHA1, crypt, plain) are refused at load: they are too cheap to guess.
// Passwords are checked with libxcrypt's crypt_r, never with our own bcrypt.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <map>
#include <mutex>
#include <string>

namespace ingot::conductor::auth {

class HtpasswdFile {
public:
    // Loads `path`; throws ConfigError naming the file and line of a bad entry.
    explicit HtpasswdFile(std::string path);

    // Whether `password` is `user`'s. Slow on purpose (bcrypt); call it off
    // the HTTP threads. Reloads the file first when it changed on disk; a
    // file that became unreadable or invalid keeps the last good entries
    // (and is logged).
    bool check(const std::string& user, const std::string& password);

    const std::string& path() const { return path_; }

private:
    void reload_if_changed();

    std::string path_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> hashes_;  // user -> bcrypt hash
    struct timespec mtime_ {};
    off_t size_ = 0;
    // Checked instead when the user is unknown, so that the time taken
    // does not tell which user names exist.
    std::string decoy_;
};

// Parses the text of an htpasswd file; throws ConfigError naming `origin`
// and the line. Exposed for tests.
std::map<std::string, std::string> parse_htpasswd(const std::string& text, const std::string& origin);

}  // namespace ingot::conductor::auth
