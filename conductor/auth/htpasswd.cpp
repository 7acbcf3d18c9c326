#include "conductor/auth/htpasswd.h"

#include <crypt.h>
#include <sys/stat.h>

#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/errors.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/strings.h"
#include "conductor/agent_token.h"

namespace ingot::conductor::auth {
namespace {

bool is_bcrypt(const std::string& hash) {
    return hash.size() == 60 && hash[0] == '$' && hash[1] == '2' &&
           (hash[2] == 'a' || hash[2] == 'b' || hash[2] == 'y') && hash[3] == '$' && std::isdigit(static_cast<unsigned char>(hash[4])) &&
           std::isdigit(static_cast<unsigned char>(hash[5])) && hash[6] == '$';
}

std::string read_file(const std::string& path, struct stat& st) {
    std::ifstream in(path, std::ios::binary);
    if (!in || stat(path.c_str(), &st) != 0) throw ConfigError("cannot read the htpasswd file " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A bcrypt hash of nothing anyone knows, at the cost of `sample`.
std::string decoy_like(const std::string& sample) {
    const int cost = std::stoi(sample.substr(4, 2));
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2b$", cost, nullptr, 0, salt, sizeof salt))
        throw ConfigError("libxcrypt cannot make bcrypt salts");
    auto data = std::make_unique<crypt_data>();
    const char* hash = crypt_r(generate_token(16).c_str(), salt, data.get());
    if (!hash || hash[0] == '*') throw ConfigError("libxcrypt cannot compute bcrypt hashes");
    return hash;
}

}  // namespace

std::map<std::string, std::string> parse_htpasswd(const std::string& text, const std::string& origin) {
    std::map<std::string, std::string> out;
    int number = 0;
    for (const auto& raw : split(text, '\n')) {
        ++number;
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        const std::string where = origin + ", line " + std::to_string(number);
        const auto colon = line.find(':');
        if (colon == std::string::npos || colon == 0) throw ConfigError(where + ": expected user:hash");
        const std::string user = line.substr(0, colon), hash = line.substr(colon + 1);
        if (!is_bcrypt(hash))
            throw ConfigError(where + ": the entry of user " + user +
                              " is not a bcrypt hash ($2y$...); create it with htpasswd -B");
        if (!out.emplace(user, hash).second) throw ConfigError(where + ": user " + user + " appears twice");
    }
    return out;
}

HtpasswdFile::HtpasswdFile(std::string path) : path_(std::move(path)) {
    struct stat st {};
    hashes_ = parse_htpasswd(read_file(path_, st), path_);
    if (hashes_.empty()) throw ConfigError("the htpasswd file " + path_ + " has no users");
    mtime_ = st.st_mtim;
    size_ = st.st_size;
    decoy_ = decoy_like(hashes_.begin()->second);
}

void HtpasswdFile::reload_if_changed() {
    struct stat st {};
    if (stat(path_.c_str(), &st) != 0) {
        log::error("auth.htpasswd_unreadable", {{"file", path_}});
        return;
    }
    if (st.st_mtim.tv_sec == mtime_.tv_sec && st.st_mtim.tv_nsec == mtime_.tv_nsec && st.st_size == size_) return;
    try {
        hashes_ = parse_htpasswd(read_file(path_, st), path_);
        log::info("auth.htpasswd_reloaded", {{"file", path_}, {"users", std::to_string(hashes_.size())}});
    } catch (const ConfigError& e) {
        log::error("auth.htpasswd_invalid", {{"file", path_}, {"error", e.what()}});
    }
    // Either way this version has been looked at; do not re-read it each time.
    mtime_ = st.st_mtim;
    size_ = st.st_size;
}

bool HtpasswdFile::check(const std::string& user, const std::string& password) {
    std::string hash;
    {
        std::lock_guard lock(mutex_);
        reload_if_changed();
        auto it = hashes_.find(user);
        if (it != hashes_.end()) hash = it->second;
    }
    const bool known = !hash.empty();
    auto data = std::make_unique<crypt_data>();
    const char* computed = crypt_r(password.c_str(), known ? hash.c_str() : decoy_.c_str(), data.get());
    if (!known || computed == nullptr || computed[0] == '*') return false;
    return constant_time_equal(computed, hash);
}

}  // namespace ingot::conductor::auth
