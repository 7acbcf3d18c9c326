#include "vbmc/auth.h"

#include <fstream>

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::vbmc {
namespace {

bool same(const std::string& given, const std::string& expected) {
    // Time depends only on the length of what the client sent.
    unsigned char diff = given.size() != expected.size();
    for (size_t i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ (i < expected.size() ? expected[i] : 0));
    return diff == 0;
}

}  // namespace

bool Credentials::check(const std::string& user, const std::string& password) const {
    auto it = users_.find(user);
    return it != users_.end() && same(password, it->second);
}

Credentials Credentials::load_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw ConfigError("cannot read auth file " + path);
    Credentials c;
    std::string line;
    int number = 0;
    while (std::getline(f, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (trim(line).empty() || trim(line)[0] == '#') continue;
        auto colon = line.find(':');
        if (colon == std::string::npos || colon == 0)
            throw ConfigError("auth file " + path + " line " + std::to_string(number) + ": expected user:password");
        c.add(line.substr(0, colon), line.substr(colon + 1));
    }
    if (!c.enabled()) throw ConfigError("auth file " + path + " names no user");
    return c;
}

std::optional<std::string> base64_decode(const std::string& in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (in.size() % 4 != 0) return std::nullopt;
    std::string out;
    for (size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; ++j) {
            char c = in[i + j];
            if (c == '=' && i + 4 == in.size() && j >= 2) {
                v[j] = 0;
                ++pad;
            } else if (pad > 0 || (v[j] = value(c)) < 0) {
                return std::nullopt;
            }
        }
        const unsigned triple = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
        out += static_cast<char>((triple >> 16) & 0xff);
        if (pad < 2) out += static_cast<char>((triple >> 8) & 0xff);
        if (pad < 1) out += static_cast<char>(triple & 0xff);
    }
    return out;
}

std::optional<std::pair<std::string, std::string>> parse_basic_auth(const std::string& header) {
    const std::string value = trim(header);
    if (value.size() < 6 || to_lower(value.substr(0, 6)) != "basic ") return std::nullopt;
    auto decoded = base64_decode(trim(value.substr(6)));
    if (!decoded) return std::nullopt;
    auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

}  // namespace ingot::vbmc
