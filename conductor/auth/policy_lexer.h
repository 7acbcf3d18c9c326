// Splits a policy rule into oslo.policy's tokens (see policy_parser.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ingot::conductor::auth {

struct PolicyToken {
    enum class Kind : std::uint8_t { open, close, op_and, op_or, op_not, check, quoted };
    Kind kind;
    std::string_view text;  // views the rule text
    std::size_t offset;     // 0-based, for error columns
};

std::vector<PolicyToken> tokenize_rule(std::string_view rule);

}  // namespace ingot::conductor::auth
