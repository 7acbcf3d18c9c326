#include "conductor/boot_file_server.h"

#include <filesystem>

#include "common/log.h"
#include "common/strings.h"

namespace ingot::conductor {
namespace {

namespace fs = std::filesystem;

http::Response plain(int status, const std::string& text) {
    http::Response r;
    r.status = status;
    r.body = text;
    return r;
}

}  // namespace

bool is_boot_file_path(const std::string& path) {
    return starts_with(path, kBootFilesPrefix) || path == "/boot";
}

http::Response serve_boot_file(const http::Request& request, const std::string& http_root) {
    // HEAD gets the GET answer's headers (BMCs check media URLs with it).
    if (request.method != "GET" && request.method != "HEAD") {
        http::Response r = plain(405, "");
        r.headers.emplace_back("Allow", "GET, HEAD");
        return r;
    }
    const std::string relative = request.path.size() > 6 ? request.path.substr(6) : "";
    // No "..", no absolute parts: what is asked for must name a file below
    // the root, and symlinks may not lead out of it either.
    for (const auto& part : split(relative, '/'))
        if (part == ".." || part == ".") return plain(404, "");
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(http_root, ec);
    const fs::path target = fs::weakly_canonical(root / relative, ec);
    const std::string target_str = target.string(), root_str = root.string() + "/";
    if (ec || relative.empty() || !starts_with(target_str, root_str) || !fs::is_regular_file(target, ec))
        return plain(404, "");
    log::debug("boot_file.served", {{"file", relative}});
    http::Response r;
    r.file = target_str;
    return r;
}

}  // namespace ingot::conductor
