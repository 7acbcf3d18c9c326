// Loads agent plugins (plugin.h): every *.so in the plugin directories, in
// order, into the agent's action and input-driver registries. A plugin that
// cannot be opened, lacks the entry points, was built for another ABI,
// throws while registering or registers a name that exists is reported
// (naming the file) and leaves nothing behind; the agent still starts.
#pragma once

#include <string>
#include <vector>

#include "common/plugin_library.h"

namespace ingot::agent::plan {

std::vector<PluginLoadResult> load_agent_plugins(const std::vector<std::string>& dirs);

// `configured`, or <prefix>/lib/ingot/agent-plugins when empty, then the
// directories in INGOT_AGENT_PLUGIN_PATH.
std::vector<std::string> agent_plugin_directories(const std::vector<std::string>& configured);

}  // namespace ingot::agent::plan
