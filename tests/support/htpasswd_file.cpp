#include "tests/support/htpasswd_file.h"

#include <crypt.h>
#include <openssl/evp.h>

#include <fstream>
#include <stdexcept>

namespace ingot::test {

std::string bcrypt_hash(const std::string& password, const char* prefix) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt)) throw std::runtime_error("crypt_gensalt_rn");
    crypt_data data{};
    const char* hash = crypt_r(password.c_str(), salt, &data);
    if (!hash || hash[0] == '*') throw std::runtime_error("crypt_r");
    return hash;
}

void write_htpasswd(const std::string& path, const std::map<std::string, std::string>& users_and_passwords) {
    std::ofstream out(path);
    for (const auto& [user, password] : users_and_passwords) out << user << ":" << bcrypt_hash(password) << "\n";
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string basic_authorization(const std::string& user, const std::string& password) {
    const std::string plain = user + ":" + password;
    std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                  reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    encoded.resize(static_cast<size_t>(n));
    return "Basic " + encoded;
}

}  // namespace ingot::test
