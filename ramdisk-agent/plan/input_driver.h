// Input-data drivers turn a payload format into a DeployPlan (Bareon's
// split: the agent knows only the objects, never the payload). A driver
// refuses a bad document with the JSON path of the bad field, before any
// action has run.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ramdisk-agent/plan/objects.h"
#include "ramdisk-agent/plan/registry.h"

namespace ingot::agent::plan {

class InputDriver {
public:
    virtual ~InputDriver() = default;
    // Throws PlanError for a document it cannot turn into a valid plan.
    virtual DeployPlan parse(const nlohmann::json& document) const = 0;
};

inline constexpr const char* kInputDriversNamespace = "ingot.agent.input_drivers";

// The registry with the built-ins `ironic` and `native` already in it.
Registry<InputDriver>& input_drivers();

std::unique_ptr<InputDriver> make_native_driver();
std::unique_ptr<InputDriver> make_ironic_driver();

}  // namespace ingot::agent::plan
