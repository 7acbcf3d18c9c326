// Local files named by an href (file:///path or an absolute path) that the
// conductor reads and then serves to machines: deploy kernels, ramdisks,
// boot ISOs, instance images. Whoever can set such an href must not make
// the conductor read any other file of its host, so a local source is
// opened only when
//   - its path, with symlinks and ".." resolved, lies under one of the
//     allowed directories ([conductor] file_url_allowed_paths) and under
//     none of the always refused ones (/etc, /dev, /proc, /sys, /boot,
//     /root);
//   - it is a regular file (a FIFO would hang a worker, /dev/zero would
//     fill the disk) that everyone may read (what machines fetch over
//     HTTP or TFTP is public; a 0600 file is somebody's secret);
//   - the descriptor opened is that very file: the final component is
//     opened with O_NOFOLLOW and the kernel's own name for the descriptor
//     (/proc/self/fd) must be the checked path, so a symlink swapped in
//     between the check and the open cannot escape.
// Read through the descriptor returned, never by opening the path again.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "common/errors.h"

namespace ingot {

// The source is refused; the message names the path and the reason (and
// the option that would allow it, when one would).
class FileSourceRefused : public InvalidInput {
public:
    using InvalidInput::InvalidInput;
};

struct FileSourcePolicy {
    // Absolute directories a local source may lie under; empty: none may.
    std::vector<std::string> allowed_paths;
    // What the errors name as the setting that lists them.
    std::string option_name = "[conductor] file_url_allowed_paths";
};

// Directories no local source may lie under, whatever is allowed.
const std::vector<std::string>& always_refused_paths();

// The local path an href names: "file:///p" and "file://localhost/p" give
// "/p", "/p" gives itself; nullopt for any other href (http://...).
// Throws FileSourceRefused for a file URL naming another host or a
// relative path.
std::optional<std::string> local_file_path(const std::string& href);

// An open, checked local source; closes its descriptor.
class OpenFileSource {
public:
    OpenFileSource(int fd, std::string path, struct stat st) : fd_(fd), path_(std::move(path)), stat_(st) {}
    ~OpenFileSource();
    OpenFileSource(OpenFileSource&& other) noexcept;
    OpenFileSource(const OpenFileSource&) = delete;
    OpenFileSource& operator=(const OpenFileSource&) = delete;
    OpenFileSource& operator=(OpenFileSource&&) = delete;

    int fd() const { return fd_; }
    const std::string& path() const { return path_; }  // resolved
    const struct stat& status() const { return stat_; }

private:
    int fd_;
    std::string path_;
    struct stat stat_;
};

// Checks `path` (absolute) against `policy` and opens it read-only, as
// described above. Throws FileSourceRefused naming the path.
OpenFileSource open_file_source(const std::string& path, const FileSourcePolicy& policy);

// The same for an href that names a local file; `what`, when not empty,
// starts the messages ("driver_info/deploy_kernel"). Returns nullopt for
// other hrefs.
std::optional<OpenFileSource> open_local_href(const std::string& href, const FileSourcePolicy& policy,
                                              const std::string& what);

}  // namespace ingot
