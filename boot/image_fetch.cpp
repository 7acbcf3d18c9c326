#include "boot/image_fetch.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "boot/http_fetch.h"
#include "common/strings.h"

namespace ingot::boot {
namespace {

std::string to_hex(const unsigned char* md, unsigned len) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 15];
    }
    return out;
}

struct Sha256 {
    Sha256() : ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
    void update(const void* data, size_t n) { EVP_DigestUpdate(ctx.get(), data, n); }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx.get(), md, &len);
        return to_hex(md, len);
    }
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx;
};

struct File {
    explicit File(FILE* f) : f(f) {}
    ~File() {
        if (f) std::fclose(f);
    }
    FILE* f;
};

bool is_http(const std::string& href) { return starts_with(href, "http://") || starts_with(href, "https://"); }

[[noreturn]] void unsupported(const std::string& href) {
    throw ImageFetchError("Cannot fetch " + href +
                          ": only http://, https://, file:// and absolute paths are supported");
}

HttpFetchLimits http_limits(const FetchPolicy& policy) {
    return {policy.max_redirects, policy.max_bytes, "[pxe] max_image_size"};
}

void check_size(const std::string& href, std::uint64_t size, const FetchPolicy& policy) {
    if (policy.max_bytes && size > policy.max_bytes)
        throw ImageFetchError("Cannot fetch " + href + ": it is larger than [pxe] max_image_size (" +
                              std::to_string(policy.max_bytes >> 20) + " MiB)");
}

// A new file only the conductor can read until it is complete and adopted
// (ImageCache decides who may read a master).
FILE* create_private(const std::string& dest, const std::string& href) {
    const int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        if (fd >= 0) ::close(fd);
        throw ImageFetchError("Cannot write " + dest + " for " + href + ": " + std::strerror(errno));
    }
    FILE* f = ::fdopen(fd, "wb");
    if (!f) ::close(fd);
    if (!f) throw ImageFetchError("Cannot write " + dest + " for " + href);
    return f;
}

// Copies an opened local source through its descriptor, never its path.
void copy_local(const OpenFileSource& in, const std::string& href, FILE* out, Sha256& hash, const FetchPolicy& policy) {
    check_size(href, static_cast<std::uint64_t>(in.status().st_size), policy);
    std::vector<char> buf(1 << 20);
    std::uint64_t total = 0;
    for (;;) {
        const ssize_t n = ::read(in.fd(), buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw ImageFetchError("Cannot read " + href + ": " + std::strerror(errno));
        if (n == 0) break;
        total += static_cast<std::uint64_t>(n);
        check_size(href, total, policy);  // it may grow while being read
        hash.update(buf.data(), static_cast<size_t>(n));
        if (std::fwrite(buf.data(), 1, static_cast<size_t>(n), out) != static_cast<size_t>(n))
            throw ImageFetchError("Cannot write the copy of " + href);
    }
}

}  // namespace

std::string sha256_hex(const std::string& text) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
    return to_hex(md, len);
}

bool is_sha256(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string sha256_of_file(const std::string& path) {
    Sha256 hash;
    File in(std::fopen(path.c_str(), "rb"));
    if (!in.f) throw ImageFetchError("Cannot read " + path);
    std::vector<char> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), in.f)) > 0) hash.update(buf.data(), n);
    if (std::ferror(in.f)) throw ImageFetchError("Cannot read " + path);
    return hash.hex();
}

std::string image_version(const std::string& href, const FetchPolicy& policy) {
    if (auto local = open_local_href(href, policy.files, "")) {
        const struct stat& st = local->status();
        return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
               std::to_string(st.st_mtim.tv_nsec);
    }
    if (!is_http(href)) unsupported(href);
    return http_version(href, http_limits(policy));
}

std::string fetch_image(const std::string& href, const std::string& dest, const FetchPolicy& policy) {
    Sha256 hash;
    auto local = open_local_href(href, policy.files, "");  // refused before dest is touched
    if (!local && !is_http(href)) unsupported(href);
    File out(create_private(dest, href));
    if (local) {
        copy_local(*local, href, out.f, hash, policy);
    } else {
        http_fetch(href, http_limits(policy), [&](const char* data, std::size_t n) {
            hash.update(data, n);
            if (std::fwrite(data, 1, n, out.f) != n) throw ImageFetchError("Cannot write " + dest);
        });
    }
    if (std::fflush(out.f) != 0) throw ImageFetchError("Cannot write " + dest + " (disk full?)");
    return hash.hex();
}

void check_image_href(const std::string& href, const FetchPolicy& policy, const std::string& what) {
    if (open_local_href(href, policy.files, what)) return;
    if (!is_http(href))
        throw ImageFetchError(what + ": " + href + " is not an http://, https://, file:// URL or an absolute path");
}

}  // namespace ingot::boot
