// Loads external plugins: every *.so in the plugin directories, in order.
// A plugin that cannot be opened, lacks the entry point, was built for
// another ABI, throws while registering or registers a name that exists is
// reported (naming the file) and skipped whole; the conductor still starts.
#pragma once

#include <string>
#include <vector>

#include "common/plugin_library.h"
#include "interfaces/registry.h"

namespace ingot::conductor {

std::vector<PluginLoadResult> load_plugins(interfaces::Registry& registry, const std::vector<std::string>& dirs);

// The configured directories followed by those in INGOT_PLUGIN_PATH.
std::vector<std::string> plugin_directories(const std::vector<std::string>& configured);

}  // namespace ingot::conductor
