#include "boot/image_fetch.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <vector>

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

struct Download {
    FILE* out;
    Sha256* hash;
};

size_t write_chunk(char* data, size_t size, size_t n, void* user) {
    auto* d = static_cast<Download*>(user);
    d->hash->update(data, size * n);
    return std::fwrite(data, 1, size * n, d->out);
}

size_t collect_header(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    std::string lower = to_lower(line);
    if (starts_with(lower, "etag:") || starts_with(lower, "last-modified:") || starts_with(lower, "content-length:"))
        *static_cast<std::string*>(user) += trim(line) + ";";
    return size * n;
}

using Curl = std::unique_ptr<CURL, void (*)(CURL*)>;

Curl curl_for(const std::string& href) {
    Curl c(curl_easy_init(), curl_easy_cleanup);
    if (!c) throw ImageFetchError("Cannot fetch " + href + ": libcurl could not start");
    curl_easy_setopt(c.get(), CURLOPT_URL, href.c_str());
    curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, 30L);
    // A stalled transfer (under 1 KiB/s for a minute) fails rather than
    // holding a conductor worker forever.
    curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c.get(), CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    return c;
}

void check(CURL* c, CURLcode rc, const std::string& href) {
    if (rc != CURLE_OK) throw ImageFetchError("Cannot fetch " + href + ": " + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) throw ImageFetchError("Cannot fetch " + href + ": HTTP " + std::to_string(status));
}

}  // namespace

std::string local_path_of(const std::string& href) {
    if (starts_with(href, "file://")) return href.substr(7);
    if (starts_with(href, "/")) return href;
    return "";
}

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

std::string image_version(const std::string& href) {
    if (auto path = local_path_of(href); !path.empty()) {
        struct stat st {};
        if (stat(path.c_str(), &st) != 0) throw ImageFetchError("Cannot read " + href + ": no such file");
        return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
               std::to_string(st.st_mtim.tv_nsec);
    }
    if (!is_http(href))
        throw ImageFetchError("Cannot fetch " + href + ": only http://, https://, file:// and absolute paths are supported");
    Curl c = curl_for(href);
    std::string headers;
    curl_easy_setopt(c.get(), CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c.get(), CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(c.get(), CURLOPT_HEADERDATA, &headers);
    const CURLcode rc = curl_easy_perform(c.get());
    long status = 0;
    curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
    // A server without HEAD (the conductor's own /boot/) gives no version:
    // the image is fetched each time, and the content address dedups it.
    if (rc == CURLE_OK && (status == 405 || status == 501)) return "";
    check(c.get(), rc, href);
    // A length alone says too little to trust a cached copy.
    return headers.find("etag") != std::string::npos || headers.find("ast-modified") != std::string::npos ? headers
                                                                                                           : "";
}

std::string fetch_image(const std::string& href, const std::string& dest) {
    Sha256 hash;
    File out(std::fopen(dest.c_str(), "wb"));
    if (!out.f) throw ImageFetchError("Cannot write " + dest + " for " + href);
    if (auto path = local_path_of(href); !path.empty()) {
        File in(std::fopen(path.c_str(), "rb"));
        if (!in.f) throw ImageFetchError("Cannot read " + href + ": no such file or not readable");
        std::vector<char> buf(1 << 20);
        size_t n;
        while ((n = std::fread(buf.data(), 1, buf.size(), in.f)) > 0) {
            hash.update(buf.data(), n);
            if (std::fwrite(buf.data(), 1, n, out.f) != n) throw ImageFetchError("Cannot write " + dest);
        }
        if (std::ferror(in.f)) throw ImageFetchError("Cannot read " + href);
    } else {
        if (!is_http(href))
            throw ImageFetchError("Cannot fetch " + href +
                                  ": only http://, https://, file:// and absolute paths are supported");
        Curl c = curl_for(href);
        Download d{out.f, &hash};
        curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, write_chunk);
        curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &d);
        check(c.get(), curl_easy_perform(c.get()), href);
    }
    if (std::fflush(out.f) != 0) throw ImageFetchError("Cannot write " + dest + " (disk full?)");
    return hash.hex();
}

}  // namespace ingot::boot
