// Unpacks a tar image from an HTTP(S) URL into a directory (the mounted
// target filesystem): the bytes flow from the socket through the checksum
// and, when the file is gzip/xz/zstd compressed, a streaming decompressor
// into libarchive, which extracts entry by entry. Nothing is staged on disk
// and the archive is never whole in memory.
//
// What is restored: regular files, directories, symlinks, hardlinks, device
// nodes and FIFOs with their permissions (setuid/setgid/sticky included),
// numeric owners (never mapped through the ramdisk's /etc/passwd), mtimes,
// extended attributes (security.capability, SELinux labels), POSIX ACLs and
// file flags. Refused: entries with absolute paths or a `..` component,
// hardlinks pointing outside the archive's tree, and extraction through a
// symlink (an archive cannot plant `etc -> /` and then write `etc/passwd`
// on the ramdisk).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "ramdisk-agent/image/write_image.h"

namespace ingot::agent::image {

struct TarResult {
    uint64_t bytes_downloaded = 0;  // the file's size (what the checksum covers)
    uint64_t bytes_unpacked = 0;    // the decompressed tar stream
    uint64_t entries = 0;
    std::chrono::milliseconds duration{0};
    HashAlgo checksum_algo = HashAlgo::sha256;
    std::string checksum;                         // computed, lower-case hex
    Compression compression = Compression::none;  // as detected
    int attempts = 0;
};

// `source.disk_format` is ignored. `directory` must exist; entries are
// created below it. Throws ChecksumMismatch (after extraction: the stream
// is verified as it is unpacked, so the directory then holds unverified
// files and the deploy must fail), ImageFormatError (not a tar archive, a
// corrupt or truncated stream, an unsafe entry), TargetError (a file cannot
// be written: no space left, read-only filesystem) or DownloadError.
TarResult extract_tar(const ImageSource& source, const std::string& directory, const DownloadOptions& download = {});

// Whether an entry path stays inside the extraction directory: relative,
// no `..` component. "./etc/passwd" is fine, "/etc/passwd" and
// "usr/../../x" are not.
bool is_safe_entry_path(const std::string& path);

}  // namespace ingot::agent::image
