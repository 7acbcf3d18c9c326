// The token the conductor handed this agent at lookup. Once known, every
// POST /v1/commands must carry it (`?agent_token=`), as IPA checks it.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

namespace ingot::agent::service {

class AgentToken {
public:
    void set(std::string token);
    bool known() const;
    // IPA's rule: the presented token must equal the known one; with no
    // token known (standalone, before lookup) only "no token" matches.
    bool accepts(const std::optional<std::string>& presented) const;

private:
    mutable std::mutex mutex_;
    std::optional<std::string> token_;
};

}  // namespace ingot::agent::service
