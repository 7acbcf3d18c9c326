#include "vbmc/media_download.h"

#include <curl/curl.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"

namespace ingot::vbmc {
namespace {

size_t write_to_file(char* data, size_t size, size_t count, void* file) {
    return std::fwrite(data, size, count, static_cast<FILE*>(file)) * size;
}

}  // namespace

bool is_media_url(const std::string& url) {
    const std::string lower = to_lower(url);
    return (starts_with(lower, "http://") && url.size() > 7) || (starts_with(lower, "https://") && url.size() > 8);
}

std::string loggable_url(const std::string& url) {
    std::string out = url.substr(0, url.find_first_of("?#"));
    auto scheme = out.find("://");
    auto at = out.find('@', scheme == std::string::npos ? 0 : scheme + 3);
    auto slash = out.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (scheme != std::string::npos && at != std::string::npos && at < slash) out.erase(scheme + 3, at - scheme - 2);
    return out;
}

void download_media(const std::string& url, const std::string& path, std::chrono::seconds timeout) {
    if (!is_media_url(url)) throw InvalidInput("virtual media image must be an http(s) URL: " + loggable_url(url));
    const std::string part = path + ".part";
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(part.c_str(), "wb"), &std::fclose);
    if (!file) throw Error("cannot write " + part);
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) throw Error("curl_easy_init failed");
    char error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &write_to_file);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, file.get());
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
    const auto started = std::chrono::steady_clock::now();
    CURLcode rc = curl_easy_perform(curl.get());
    const bool flushed = std::fflush(file.get()) == 0;
    file.reset();
    std::error_code ec;
    if (rc != CURLE_OK) {
        std::filesystem::remove(part, ec);
        throw InvalidInput("cannot download virtual media image " + loggable_url(url) + ": " +
                           (error[0] ? error : curl_easy_strerror(rc)));
    }
    if (!flushed) {
        std::filesystem::remove(part, ec);
        throw Error("cannot write " + part);
    }
    std::filesystem::rename(part, path);
    curl_off_t bytes = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_SIZE_DOWNLOAD_T, &bytes);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    log::info("vbmc.media_downloaded", {{"url", loggable_url(url)},
                                        {"path", path},
                                        {"bytes", std::to_string(bytes)},
                                        {"ms", std::to_string(ms.count())}});
}

}  // namespace ingot::vbmc
