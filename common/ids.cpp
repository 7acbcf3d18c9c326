#include "common/ids.h"

#include <openssl/rand.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace ingot {
namespace {

void random_bytes(unsigned char* out, size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
}

}  // namespace

std::string generate_uuid() {
    unsigned char b[16];
    random_bytes(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;  // version 4
    b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

bool is_uuid_like(std::string_view s) {
    // Ironic (oslo uuidutils.is_uuid_like) accepts the canonical dashed form,
    // any case. We accept exactly that.
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
            return false;
        }
    }
    return true;
}

std::string normalize_uuid(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool normalize_mac(std::string_view in, std::string& out) {
    // Six hex octets separated by ':' (Ironic refuses other forms), stored
    // lower case.
    if (in.size() != 17) return false;
    out.clear();
    for (size_t i = 0; i < 17; ++i) {
        char c = in[i];
        if (i % 3 == 2) {
            if (c != ':') return false;
            out.push_back(':');
        } else {
            if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    return true;
}

std::string generate_token(size_t bytes) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string raw(bytes, '\0');
    random_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes);
    std::string out;
    out.reserve(bytes);
    for (unsigned char c : raw) out.push_back(alphabet[c & 63]);
    return out;
}

std::string utc_now_iso() {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t secs = system_clock::to_time_t(now);
    long micros = static_cast<long>(duration_cast<microseconds>(now.time_since_epoch()).count() % 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char out[64];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+00:00", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
    return out;
}

long long epoch_of_iso(const std::string& iso) {
    std::tm tm{};
    std::istringstream in(iso.substr(0, 19));
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return 0;
    return static_cast<long long>(timegm(&tm));
}

}  // namespace ingot
