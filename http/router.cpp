#include "http/router.h"

#include <algorithm>

#include "common/errors.h"
#include "common/strings.h"

namespace ingot::http {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    for (auto& s : split(path, '/'))
        if (!s.empty()) out.push_back(std::move(s));
    return out;
}

void Router::add(const std::string& method, const std::string& pattern, Handler handler) {
    routes_.push_back({method, split_path(pattern), std::move(handler)});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    auto segments = split_path(path);
    Match best;
    int best_literals = -1;
    std::vector<std::string> allowed;
    int allowed_literals = -1;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) continue;
        int literals = 0;
        bool ok = true;
        for (size_t i = 0; i < segments.size() && ok; ++i) {
            const auto& pat = route.segments[i];
            if (pat.front() == '{') continue;
            if (pat != segments[i])
                ok = false;
            else
                ++literals;
        }
        if (!ok) continue;
        // Collect the methods of the most specific matching pattern for 405.
        if (literals > allowed_literals) {
            allowed.clear();
            allowed_literals = literals;
        }
        if (literals == allowed_literals) allowed.push_back(route.method);
        if (route.method != method || literals <= best_literals) continue;
        best_literals = literals;
        best.handler = &route.handler;
        best.params.clear();
        for (size_t i = 0; i < segments.size(); ++i) {
            const auto& pat = route.segments[i];
            if (pat.front() != '{') continue;
            std::string decoded;
            if (!percent_decode(segments[i], decoded))
                throw InvalidInput("Invalid percent-encoding in URL path segment '" + segments[i] + "'.");
            best.params[pat.substr(1, pat.size() - 2)] = decoded;
        }
    }
    if (!best.handler && allowed_literals >= 0) {
        std::sort(allowed.begin(), allowed.end());
        allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
        best.allowed = allowed;
    }
    return best;
}

}  // namespace ingot::http
