// A config drive as Nova hands one to Ironic in `configdrive`: an ISO 9660
// filesystem labelled config-2 (Rock Ridge and Joliet, as Nova's
// genisoimage call makes it) holding openstack/latest/meta_data.json,
// gzipped, then base64-encoded.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ingot::test {

// Builds it in `work_dir` (the ISO stays there as config-drive.iso);
// throws when genisoimage, gzip or base64 fails.
std::string make_config_drive(const std::string& work_dir, const nlohmann::json& meta_data);

// meta_data.json as read back from a config-2 ISO file (isoinfo -R);
// empty when isoinfo cannot find it.
std::string read_config_drive_meta_data(const std::string& iso);

}  // namespace ingot::test
