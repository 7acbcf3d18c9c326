#include "conductor/agent_token.h"

#include "common/ids.h"
#include "common/log.h"
#include "common/secrets.h"
#include "conductor/node_reservation.h"

namespace ingot::conductor {
namespace {

constexpr const char* kTokenKey = "agent_secret_token";

const nlohmann::json* stored_token(const db::Record& node) {
    auto it = node.find("driver_internal_info");
    if (it == node.end() || !it->is_object()) return nullptr;
    auto token = it->find(kTokenKey);
    if (token == it->end() || !token->is_string() || token->get<std::string>().empty()) return nullptr;
    return &*token;
}

}  // namespace

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    volatile unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i)
        diff = diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
    return diff == 0;
}

bool agent_token_valid(const db::Record& node, std::string_view token) {
    const nlohmann::json* known = stored_token(node);
    if (!known) return false;  // no token minted: nothing can match
    return constant_time_equal(known->get_ref<const std::string&>(), token);
}

std::string agent_token_for_lookup(Context& ctx, const db::Record& node) {
    const std::string uuid = node["uuid"].get<std::string>();
    if (stored_token(node)) {
        log::warning("agent.token_exists", {{"node", uuid}});
        return kMaskedSecret;
    }
    // The lock makes minting one-time: of two racing lookups, the second
    // finds the node locked (409) or, afterwards, a token already there.
    const int64_t id = node["id"].get<int64_t>();
    db::Record locked = reserve_node(ctx, id);
    if (stored_token(locked)) {
        release_node(ctx, id);
        return kMaskedSecret;
    }
    nlohmann::json fresh =
        locked["driver_internal_info"].is_object() ? locked["driver_internal_info"] : nlohmann::json::object();
    fresh[kTokenKey] = generate_token(32);
    release_node(ctx, id, {{"driver_internal_info", fresh}});
    log::info("agent.token_minted", {{"node", uuid}});
    return fresh[kTokenKey].get<std::string>();
}

}  // namespace ingot::conductor
