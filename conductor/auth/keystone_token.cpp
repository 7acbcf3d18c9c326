#include "conductor/auth/keystone_token.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/ids.h"
#include "common/json_input.h"

namespace ingot::conductor::auth {
namespace {

using nlohmann::json;

// A string member of an object, "" when absent or not a string.
std::string text(const json& object, const char* key) {
    if (!object.is_object()) return "";
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const json& member(const json& object, const char* key) {
    static const json none;
    if (!object.is_object()) return none;
    auto it = object.find(key);
    return it == object.end() ? none : *it;
}

long long timestamp(const json& token, const char* key) {
    const std::string value = text(token, key);
    const long long seconds = value.empty() ? 0 : epoch_of_iso(value);
    if (seconds <= 0) throw Error(std::string("Keystone's token has no readable ") + key);
    return seconds;
}

}  // namespace

KeystoneToken parse_keystone_token(std::string_view body) {
    const json document = try_parse_json(body);
    if (document.is_discarded()) throw Error("Keystone answered with something that is not JSON");
    const json& token = member(document, "token");
    if (!token.is_object()) throw Error("Keystone's answer holds no token");
    KeystoneToken out;
    http::Caller& c = out.caller;
    const json& user = member(token, "user");
    c.user_id = text(user, "id");
    if (c.user_id.empty()) throw Error("Keystone's token names no user");
    c.user_name = text(user, "name");
    c.user_domain_id = text(member(user, "domain"), "id");
    const json& project = member(token, "project");
    c.project_id = text(project, "id");
    c.project_name = text(project, "name");
    c.project_domain_id = text(member(project, "domain"), "id");
    c.domain_id = text(member(token, "domain"), "id");
    const json& system = member(token, "system");
    c.system_scope = member(system, "all").is_boolean() && member(system, "all").get<bool>();
    const json& roles = member(token, "roles");
    if (roles.is_array())
        for (const auto& role : roles)
            if (auto name = text(role, "name"); !name.empty()) c.roles.push_back(name);
    c.authenticated = true;
    out.issued_at = timestamp(token, "issued_at");
    out.expires_at = timestamp(token, "expires_at");
    return out;
}

}  // namespace ingot::conductor::auth
