// Plan mode: everything a deploy would do, in order, touching nothing.
#pragma once

#include <string>

#include "ramdisk-agent/plan/hints.h"
#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan {

// Runs every action's validate() in deploy order (which may complete the
// plan, e.g. reserve config-2). Throws PlanError at the first problem.
void prepare_plan(DeployPlan& plan);

// One "# <action>" header per action, its notes as "#   ..." lines, then
// each command on its own line, shell-quoted for reading (never run by a
// shell). The plan's disks must already be resolved.
std::string render_plan(const DeployPlan& plan);

// Reads a payload file, parses it with the named input driver, chooses the
// disks among the discovered devices and prepares the plan. Reads lsblk;
// writes nothing.
DeployPlan plan_from_file(const std::string& path, const std::string& driver, const DiscoveryOptions& discovery = {});

// For display only: quotes an argument when a shell would split or expand it.
std::string shell_quote(const std::string& arg);

}  // namespace ingot::agent::plan
