// Copies a kernel, ramdisk or ISO named by an href (http://, https://,
// file:// or an absolute path) into a local file, hashing it on the way.
#pragma once

#include <string>

#include "common/errors.h"

namespace ingot::boot {

// The href cannot be read: bad scheme, unreachable server, HTTP error,
// missing file. The message names the href and the reason.
class ImageFetchError : public Error {
public:
    using Error::Error;
};

// What identifies the current content of an href without reading it all:
// size and mtime of a local file, ETag/Last-Modified/length of an HTTP one.
// Empty when the source gives nothing to go by (then it is always fetched).
std::string image_version(const std::string& href);

// Writes the content of `href` to `dest` (created or truncated) and returns
// its sha256 in hex.
std::string fetch_image(const std::string& href, const std::string& dest);

// The sha256 (hex) of a string.
std::string sha256_hex(const std::string& text);
// Whether `s` looks like one (64 lower-case hex digits): master file names.
bool is_sha256(const std::string& s);

// The sha256 (hex) of a local file's content.
std::string sha256_of_file(const std::string& path);

// The local path of a file:// href or absolute path; empty for other hrefs.
std::string local_path_of(const std::string& href);

}  // namespace ingot::boot
