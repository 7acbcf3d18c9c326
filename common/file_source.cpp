#include "common/file_source.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/strings.h"

namespace ingot {
namespace {

namespace fs = std::filesystem;

bool is_under(const std::string& path, const std::string& dir) {
    if (dir == "/") return true;
    return path == dir || (starts_with(path, dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

// A directory of the policy as the kernel names it: symlinks resolved when
// it exists (so /var/run and /run compare equal), else only normalised.
std::string canonical_dir(const std::string& dir) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(dir, ec), ec);
    std::string out = ec ? fs::path(dir).lexically_normal().string() : p.string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw FileSourceRefused("The local image source " + path + " is refused: " + why);
}

// Where `path` (absolute, normalised) lies must be allowed. Run on the
// path as written (so that nothing outside is even looked up) and again
// on the path with its symlinks resolved.
void check_placement(const std::string& shown, const std::string& path, const FileSourcePolicy& policy) {
    for (const auto& refused : always_refused_paths()) {
        if (is_under(path, refused) || is_under(path, canonical_dir(refused)))
            refuse(shown, (path == shown ? "it " : "it resolves to " + path + ", which ") + "lies under " + refused +
                              ", from where no file is ever served (whatever " + policy.option_name + " says)");
    }
    for (const auto& allowed : policy.allowed_paths)
        if (!allowed.empty() && is_under(path, canonical_dir(allowed))) return;
    const std::string listed = policy.allowed_paths.empty() ? "none" : join(policy.allowed_paths, ", ");
    refuse(shown, (path == shown ? "it" : "it resolves to " + path + ", which") + " is not under a directory " +
                      policy.option_name + " allows (" + listed + ")");
}

// The regular, world-readable file a local source must be.
void check_kind(const std::string& shown, const struct stat& st) {
    if (!S_ISREG(st.st_mode))
        refuse(shown, S_ISDIR(st.st_mode)    ? "it is a directory"
                      : S_ISFIFO(st.st_mode) ? "it is a FIFO, not a regular file"
                                             : "it is not a regular file");
    if (!(st.st_mode & S_IROTH))
        refuse(shown, "it is not readable by everyone (mode " + mode_text(st.st_mode) +
                          "): what machines fetch is public, and a private file is somebody's secret");
}

// What the kernel says the descriptor is: a symlink swapped in after the
// check shows here as the file it really opened.
std::string name_of_descriptor(int fd) {
    char buf[PATH_MAX + 1];
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(link.c_str(), buf, PATH_MAX);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

const std::vector<std::string>& always_refused_paths() {
    static const std::vector<std::string> paths = {"/etc", "/dev", "/proc", "/sys", "/boot", "/root"};
    return paths;
}

std::optional<std::string> local_file_path(const std::string& href) {
    if (starts_with(href, "/")) return href;
    if (!starts_with(to_lower(href), "file://")) return std::nullopt;
    std::string rest = href.substr(7);
    if (starts_with(to_lower(rest), "localhost/")) rest = rest.substr(9);
    if (!starts_with(rest, "/"))
        throw FileSourceRefused("The file URL " + href +
                                " names no absolute path on this host (file:///path or file://localhost/path)");
    return rest;
}

OpenFileSource::~OpenFileSource() {
    if (fd_ >= 0) ::close(fd_);
}

OpenFileSource::OpenFileSource(OpenFileSource&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), stat_(other.stat_) {
    other.fd_ = -1;
}

OpenFileSource open_file_source(const std::string& path, const FileSourcePolicy& policy) {
    if (!starts_with(path, "/")) refuse(path, "it is not an absolute path");
    for (char c : path)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) refuse(path, "it contains control characters");
    check_placement(path, fs::path(path).lexically_normal().string(), policy);
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) refuse(path, std::string("it cannot be resolved: ") + std::strerror(errno));
    const std::string resolved = buf;
    check_placement(path, resolved, policy);
    struct stat before {};
    if (::stat(resolved.c_str(), &before) != 0) refuse(path, std::string("cannot stat it: ") + std::strerror(errno));
    check_kind(path, before);  // before opening: opening a device may do things

    // O_NONBLOCK: a FIFO swapped in meanwhile does not block the open.
    const int fd = ::open(resolved.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) refuse(path, std::string("cannot open it: ") + std::strerror(errno));
    struct stat st {};
    const bool stat_ok = ::fstat(fd, &st) == 0;
    OpenFileSource opened(fd, resolved, st);  // closes the descriptor on a refusal below
    if (!stat_ok) refuse(path, std::string("cannot stat it: ") + std::strerror(errno));
    if (name_of_descriptor(fd) != resolved || st.st_dev != before.st_dev || st.st_ino != before.st_ino)
        refuse(path, "it changed while being opened (a symlink or file swapped in)");
    check_kind(path, st);
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return opened;
}

std::optional<OpenFileSource> open_local_href(const std::string& href, const FileSourcePolicy& policy,
                                              const std::string& what) {
    try {
        auto path = local_file_path(href);
        if (!path) return std::nullopt;
        return open_file_source(*path, policy);
    } catch (const FileSourceRefused& e) {
        if (what.empty()) throw;
        throw FileSourceRefused(what + ": " + e.what());
    }
}

}  // namespace ingot
