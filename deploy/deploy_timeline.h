// The milestones of one deploy (ramdisk booting, agent up, image written,
// active), kept in driver_internal_info["deploy_timeline"] as seconds since
// the deploy started and logged as one line when it ends, so an operator
// sees where a slow deploy spent its time (and bench/e2e reads it).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace ingot::deploy {

// Starts a new timeline (forgetting a previous deploy's).
void timeline_start(nlohmann::json& driver_internal_info);
// Records `milestone` the first time it is reached; no-op without a start.
void timeline_mark(nlohmann::json& driver_internal_info, const std::string& milestone);
// "ramdisk_booting=0.4s agent_up=12.3s image_written=30.1s active=35.0s"
std::string timeline_summary(const nlohmann::json& driver_internal_info);

}  // namespace ingot::deploy
