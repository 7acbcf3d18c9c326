#include "cli/url.h"

#include "common/strings.h"

namespace ingot::cli {
namespace {

// "http://host:port/prefix" -> {"http://host:port", "/prefix"}.
std::pair<std::string_view, std::string_view> split_origin(std::string_view url) {
    size_t scheme_end = url.find("://");
    size_t path_start = scheme_end == std::string_view::npos ? 0 : url.find('/', scheme_end + 3);
    if (path_start == std::string_view::npos) return {url, {}};
    return {url.substr(0, path_start), url.substr(path_start)};
}

}  // namespace

std::string path_segment(std::string_view raw) {
    return percent_encode(raw);
}

Query& Query::add(std::string key, std::string value) {
    params_.emplace_back(std::move(key), std::move(value));
    return *this;
}

std::string Query::str() const {
    std::string out;
    for (const auto& [k, v] : params_) {
        out += out.empty() ? '?' : '&';
        out += percent_encode(k) + "=" + percent_encode(v);
    }
    return out;
}

std::string resolve_next_link(std::string_view link, std::string_view base_url) {
    // The server's links already carry any prefix it is mounted under
    // ("/baremetal/v1/nodes?..."), so only the origin is replaced.
    return std::string(split_origin(base_url).first) + std::string(split_origin(link).second);
}

}  // namespace ingot::cli
