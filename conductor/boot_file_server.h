// Serves [deploy] http_root at /boot/ of the API: the iPXE scripts,
// kernels, ramdisks and boot ISOs machines fetch while they boot, so a
// conductor needs no separate web server (an operator may still put nginx
// in front of http_root and set [deploy] http_url). Read-only: GET of regular
// files inside the root; nothing outside it, no listings.
#pragma once

#include <string>

#include "http/message.h"

namespace ingot::conductor {

inline constexpr const char* kBootFilesPrefix = "/boot/";

bool is_boot_file_path(const std::string& path);

http::Response serve_boot_file(const http::Request& request, const std::string& http_root);

}  // namespace ingot::conductor
