#include "ramdisk-agent/service/agent_token.h"

namespace ingot::agent::service {

void AgentToken::set(std::string token) {
    std::lock_guard lock(mutex_);
    token_ = std::move(token);
}

bool AgentToken::known() const {
    std::lock_guard lock(mutex_);
    return token_.has_value();
}

bool AgentToken::accepts(const std::optional<std::string>& presented) const {
    std::lock_guard lock(mutex_);
    if (!token_ || !presented) return !token_ && !presented;
    // Same time wherever the strings differ.
    if (presented->size() != token_->size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < token_->size(); ++i) diff |= static_cast<unsigned char>((*token_)[i] ^ (*presented)[i]);
    return diff == 0;
}

}  // namespace ingot::agent::service
