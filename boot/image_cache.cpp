#include "boot/image_cache.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "boot/image_fetch.h"
#include "common/log.h"

namespace ingot::boot {
namespace {

namespace fs = std::filesystem;

// Marks a master as just used, for least-recently-used eviction.
void touch(const std::string& path) {
    std::error_code ec;
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
}

void write_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        if (!out.flush()) throw ImageFetchError("Cannot write " + tmp);
    }
    fs::rename(tmp, path);
}

}  // namespace

ImageCache::ImageCache(std::string dir, std::uint64_t max_bytes, FetchPolicy policy)
    : dir_(std::move(dir)), max_bytes_(max_bytes), policy_(std::move(policy)) {
    fs::create_directories(dir_ + "/index");
}

std::mutex& ImageCache::lock_for(const std::string& href) {
    std::lock_guard<std::mutex> g(locks_mutex_);
    auto& m = href_locks_[href];
    if (!m) m = std::make_unique<std::mutex>();
    return *m;
}

std::string ImageCache::index_path(const std::string& href) const {
    return dir_ + "/index/" + sha256_hex(href);
}

std::string ImageCache::master(const std::string& href) {
    std::lock_guard<std::mutex> g(lock_for(href));
    const std::string version = image_version(href, policy_);
    const std::string index = index_path(href);
    if (!version.empty()) {
        std::ifstream in(index);
        std::string cached_version, sha;
        if (std::getline(in, cached_version) && std::getline(in, sha) && cached_version == version &&
            is_sha256(sha) && fs::exists(dir_ + "/" + sha)) {
            touch(dir_ + "/" + sha);
            return dir_ + "/" + sha;
        }
    }
    const std::string tmp = dir_ + "/fetch." + sha256_hex(href).substr(0, 16) + ".part";
    std::string sha;
    try {
        sha = fetch_image(href, tmp, policy_);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    const std::string path = dir_ + "/" + sha;
    if (fs::exists(path)) {
        fs::remove(tmp);  // same content under another href or version
        touch(path);
    } else {
        fs::rename(tmp, path);
    }
    // Fetched private, public once complete: machines fetch it over HTTP.
    ::chmod(path.c_str(), 0644);
    if (!version.empty()) write_atomically(index, version + "\n" + sha + "\n");
    log::info("image_cache.fetched", {{"href", href}, {"sha256", sha}});
    return path;
}

std::string ImageCache::adopt(const std::string& file) {
    const std::string sha = sha256_of_file(file);
    const std::string path = dir_ + "/" + sha;
    if (fs::exists(path)) {
        fs::remove(file);
        touch(path);
    } else {
        fs::rename(file, path);
    }
    ::chmod(path.c_str(), 0644);
    return path;
}

void ImageCache::stage(const std::string& href, const std::string& dest) {
    const std::string master_path = master(href);
    fs::create_directories(fs::path(dest).parent_path());
    std::error_code ec;
    fs::remove(dest, ec);
    fs::create_hard_link(master_path, dest, ec);
    if (ec) fs::copy_file(master_path, dest, fs::copy_options::overwrite_existing);  // another filesystem
    evict();
}

void ImageCache::evict() {
    std::lock_guard<std::mutex> g(evict_mutex_);
    struct Entry {
        std::string path;
        std::uint64_t size;
        fs::file_time_type used;
        bool in_use;
    };
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        if (!e.is_regular_file() || !is_sha256(e.path().filename().string())) continue;
        struct stat st {};
        if (stat(e.path().c_str(), &st) != 0) continue;
        entries.push_back({e.path().string(), static_cast<std::uint64_t>(st.st_size), e.last_write_time(ec),
                           st.st_nlink > 1});
        total += static_cast<std::uint64_t>(st.st_size);
    }
    if (total <= max_bytes_) return;
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
    for (const auto& e : entries) {
        if (total <= max_bytes_) break;
        if (e.in_use) continue;
        if (fs::remove(e.path, ec)) {
            total -= e.size;
            log::info("image_cache.evicted", {{"file", e.path}, {"bytes", std::to_string(e.size)}});
        }
    }
    if (total > max_bytes_)
        log::warning("image_cache.over_limit", {{"bytes", std::to_string(total)}, {"limit", std::to_string(max_bytes_)},
                                                {"reason", "every remaining master is in use"}});
}

}  // namespace ingot::boot
