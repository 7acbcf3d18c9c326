// Copies a kernel, ramdisk or ISO named by an href (http://, https://,
// file:// or an absolute path) into a local file, hashing it on the way.
// Local sources go through common/file_source.h (allowed directories, a
// regular public file, opened so that a swapped symlink cannot escape);
// HTTP(S) sources through http_fetch.h (checked redirects); both are
// capped in size.
#pragma once

#include <cstdint>
#include <string>

#include "common/errors.h"
#include "common/file_source.h"

namespace ingot::boot {

// The href cannot be read: bad scheme, unreachable server, HTTP error,
// missing file, too large. The message names the href and the reason. A
// local file that is not allowed throws FileSourceRefused instead.
class ImageFetchError : public Error {
public:
    using Error::Error;
};

// What the conductor may read, and how much of it.
struct FetchPolicy {
    FileSourcePolicy files;                   // [conductor] file_url_allowed_paths
    std::uint64_t max_bytes = 2048ull << 20;  // [pxe] max_image_size
    int max_redirects = 5;
};

// What identifies the current content of an href without reading it all:
// size and mtime of a local file, ETag/Last-Modified/length of an HTTP one.
// Empty when the source gives nothing to go by (then it is always fetched).
std::string image_version(const std::string& href, const FetchPolicy& policy);

// Writes the content of `href` to `dest` (created 0600 or truncated) and
// returns its sha256 in hex.
std::string fetch_image(const std::string& href, const std::string& dest, const FetchPolicy& policy);

// What validation can tell without reading the image: an http(s) URL, or a
// local file the policy allows (opened, then closed). Throws
// FileSourceRefused or ImageFetchError whose message starts with `what`
// ("driver_info/deploy_kernel").
void check_image_href(const std::string& href, const FetchPolicy& policy, const std::string& what);

// The sha256 (hex) of a string.
std::string sha256_hex(const std::string& text);
// Whether `s` looks like one (64 lower-case hex digits): master file names.
bool is_sha256(const std::string& s);

// The sha256 (hex) of a local file's content.
std::string sha256_of_file(const std::string& path);

}  // namespace ingot::boot
