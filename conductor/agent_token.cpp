#include "conductor/agent_token.h"

#include "common/ids.h"
#include "common/log.h"
#include "common/secrets.h"
#include "conductor/node_reservation.h"

namespace ingot::conductor {
namespace {

using nlohmann::json;

const json& internal_of(const db::Record& node) {
    static const json empty = json::object();
    auto it = node.find("driver_internal_info");
    return it != node.end() && it->is_object() ? *it : empty;
}

const json* stored_token(const db::Record& node) {
    const json& internal = internal_of(node);
    auto token = internal.find(kAgentTokenKey);
    if (token == internal.end() || !token->is_string() || token->get<std::string>().empty()) return nullptr;
    return &*token;
}

// What a lookup gets without minting; nullopt when a token must be minted.
std::optional<LookupGrant> without_minting(const db::Record& node) {
    const json& internal = internal_of(node);
    if (internal.contains(kAgentConflictKey)) return LookupGrant{LookupGrant::Kind::after_conflict, "", ""};
    if (!stored_token(node)) return std::nullopt;
    if (internal.value(kAgentTokenPregeneratedKey, false) == true)
        return LookupGrant{LookupGrant::Kind::masked, kMaskedSecret, ""};
    return LookupGrant{LookupGrant::Kind::second, "", internal.value(kAgentAddressKey, std::string("(unknown)"))};
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
    const json* known = stored_token(node);
    if (!known) return false;  // no token minted: nothing can match
    return constant_time_equal(known->get_ref<const std::string&>(), token);
}

LookupGrant agent_token_for_lookup(Context& ctx, const db::Record& node, const std::string& caller) {
    const std::string uuid = node["uuid"].get<std::string>();
    if (auto grant = without_minting(node)) return *grant;
    // The lock makes minting one-time: of two racing lookups, the second
    // finds the node locked (409) or, afterwards, the token already there.
    const int64_t id = node["id"].get<int64_t>();
    db::Record locked = reserve_node(ctx, id);
    if (auto grant = without_minting(locked)) {
        release_node(ctx, id);
        return *grant;
    }
    json fresh = internal_of(locked);
    fresh[kAgentTokenKey] = generate_token(32);
    fresh[kAgentAddressKey] = caller;
    release_node(ctx, id, {{"driver_internal_info", fresh}});
    log::info("agent.token_minted", {{"node", uuid}, {"issued_to", caller}});
    return {LookupGrant::Kind::issued, fresh[kAgentTokenKey].get<std::string>(), caller};
}

}  // namespace ingot::conductor
