// A plugin that registers one thing and then fails: nothing of it may stay.
#include "interfaces/extension.h"
#include "interfaces/plugin.h"

#include <stdexcept>

namespace {
void register_plugin(ingot::interfaces::Registry& r) {
    r.add<ingot::interfaces::Extension>(
        {ingot::interfaces::kExtensionsNamespace, "half-registered", "1.0", "never seen"},
        [] { return std::make_unique<ingot::interfaces::Extension>(); });
    throw std::runtime_error("cannot read my configuration");
}
}  // namespace

INGOT_PLUGIN(register_plugin)
