// Which keys hold secrets, and masking them for output. The API returns
// "******" for them and logs never carry them.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string_view>

namespace ingot {

inline constexpr const char* kMaskedSecret = "******";

// True for keys like ipmi_password, redfish_password, agent_secret_token,
// configdrive (as oslo's mask_dict_password decides: by substring).
bool is_secret_key(std::string_view key);

// Replaces the values of secret keys, at any depth, with "******".
void mask_secrets(nlohmann::json& value);

}  // namespace ingot
