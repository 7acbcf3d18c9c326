// The htpasswd file of the http_basic authenticator (conductor/auth/
// htpasswd.h), parsed as at load and at every reload.
//
// Invariants: the file is accepted whole or refused with a ConfigError
// naming the file and line; every accepted entry is a user name without
// ':' and a bcrypt-shaped hash; a refusal is no longer than its sentence
// and the user name (the part after the colon, perhaps a plain-text
// password, is never repeated).
#include <string>

#include "common/errors.h"
#include "common/strings.h"
#include "conductor/auth/htpasswd.h"
#include "fuzz/support/fuzz_support.h"

using namespace ingot;

namespace {

// The longest user name in the text: a refusal may name it, nothing longer.
size_t longest_user(const std::string& text) {
    size_t longest = 0;
    for (const auto& raw : split(text, '\n')) {
        const std::string line = trim(raw);
        longest = std::max(longest, std::min(line.size(), line.find(':')));
    }
    return longest;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::map<std::string, std::string> users;
    try {
        users = conductor::auth::parse_htpasswd(text, "fuzz.htpasswd");
    } catch (const ConfigError& e) {
        const std::string message = e.what();
        fuzz::check(message.rfind("fuzz.htpasswd, line ", 0) == 0, "a refusal that names no line: " + message);
        // The longest sentence is about 110 characters with the file and line.
        fuzz::check(message.size() <= 140 + longest_user(text), "a refusal that says more than it should: " + message);
        return 0;
    }
    for (const auto& [user, hash] : users) {
        fuzz::check(!user.empty() && user.find(':') == std::string::npos, "an accepted user name " + user);
        fuzz::check(hash.size() == 60 && hash.rfind("$2", 0) == 0, "an accepted hash that is not bcrypt");
    }
    return 0;
}
