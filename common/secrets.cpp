#include "common/secrets.h"

#include <nlohmann/json.hpp>

#include "common/strings.h"

namespace ingot {

bool is_secret_key(std::string_view key) {
    static const char* patterns[] = {"password",      "adminpass", "admin_pass", "new_pass",    "passphrase",
                                     "secret",        "token",     "pswd",       "configdrive", "private_key",
                                     "encrypted_key", "fernetkey", "sslkey",     "cephkey"};
    std::string lower = to_lower(key);
    for (const char* p : patterns)
        if (lower.find(p) != std::string::npos) return true;
    return false;
}

void mask_secrets(nlohmann::json& value) {
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (is_secret_key(it.key()) && !it.value().is_null())
                it.value() = kMaskedSecret;
            else
                mask_secrets(it.value());
        }
    } else if (value.is_array()) {
        for (auto& item : value) mask_secrets(item);
    }
}

}  // namespace ingot
