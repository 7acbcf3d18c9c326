// `ingot-agent plan`: what a deploy of a payload would run, in order,
// touching nothing. The disks are chosen exactly as the deploy command
// chooses them (eligible devices only, disk_safety.h), and an `ironic`
// payload goes through the same document builder (ironic_document_from_params)
// as deploy.execute_deploy_step.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ramdisk-agent/plan/objects.h"
#include "ramdisk-agent/service/disk_access.h"

namespace ingot::agent::service {

// Parses `payload` with `driver` ("ironic" or "native"), resolves its disks
// among the eligible devices and prepares it. Throws plan::PlanError (with
// the path of the bad field) for an invalid payload or when no disk matches.
plan::DeployPlan plan_for_payload(const nlohmann::json& payload, const std::string& driver, const DiskAccess& access);

// The same from a file, rendered (render_plan). Throws plan::PlanError as
// above, and for a file that cannot be read or is not JSON.
std::string plan_mode(const std::string& path, const std::string& driver, const DiskAccess& access);

}  // namespace ingot::agent::service
