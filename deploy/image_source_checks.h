// Checks of an instance image's source that the conductor can make before
// any agent runs: no MD5 checksum unless allowed (collisions are cheap to
// make, so an MD5 says little about what gets written), and a local
// image_source only where [conductor] file_url_allowed_paths allows.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "common/file_source.h"

namespace ingot::deploy {

// Throws interfaces::InvalidParameter naming the field and the option that
// would allow it.
void check_image_checksum_algorithm(const nlohmann::json& instance_info, const std::string& node, bool allow_md5);

// Throws FileSourceRefused for a file:// or absolute-path image_source the
// policy does not allow (other sources pass).
void check_local_image_source(const nlohmann::json& instance_info, const FileSourcePolicy& policy);

}  // namespace ingot::deploy
