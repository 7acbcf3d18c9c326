// Validation of what clients send: the PATCH of a ComputerSystem, the Reset
// action and the InsertMedia action. Each throws RedfishError (400) naming
// the property in RelatedProperties, as real BMCs do.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "vbmc/machine.h"

namespace ingot::vbmc {

// The request body as a JSON object; an empty body reads as {} when
// `empty_ok` (EjectMedia is often posted without one).
nlohmann::json parse_body(const std::string& body, bool empty_ok);

// Applies {"Boot": {"BootSourceOverrideTarget", "BootSourceOverrideEnabled",
// "BootSourceOverrideMode"}} to `current`; any other property is refused.
BootOverride apply_boot_patch(const nlohmann::json& body, BootOverride current);

ResetType parse_reset(const nlohmann::json& body);

// {"Image": URL, "Inserted": true, "WriteProtected": true}; UserName,
// Password, TransferMethod and TransferProtocolType are accepted and ignored.
Media parse_insert_media(const nlohmann::json& body);

}  // namespace ingot::vbmc
