// Fetches a virtual media image (an ISO or floppy image named by URL in
// InsertMedia) to a local file that QEMU can open.
#pragma once

#include <chrono>
#include <string>

namespace ingot::vbmc {

// True for the URLs InsertMedia accepts: http:// and https:// only (a BMC
// must never read the host's own files because a client asked).
bool is_media_url(const std::string& url);

// The URL without user info and query, for logs (a query may be a signature).
std::string loggable_url(const std::string& url);

// Downloads `url` to `path` (written as path + ".part", then renamed, so
// `path` never holds half an image). Like most BMCs' default
// (VerifyCertificate false) the server's certificate is not checked.
// Throws InvalidInput when the server answers with an error status or
// cannot be reached, ingot::Error when the file cannot be written.
void download_media(const std::string& url, const std::string& path, std::chrono::seconds timeout);

}  // namespace ingot::vbmc
