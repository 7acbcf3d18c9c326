// The master image cache: one copy of each deploy kernel, ramdisk or boot
// ISO, shared by every node that boots it (Ironic's master_images).
//
//   DIR/<sha256 of content>     master copies, named by what is in them
//   DIR/index/<sha256 of href>  "<version>\n<content sha256>\n"
//
// A node's boot files are hard links to the masters, so a master is in use
// while its link count is above one, and an href fetched twice is read
// once as long as its version (see image_version) is unchanged. When the
// masters take more than the size limit, unused ones go first, least
// recently used first; a master in use is never removed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "boot/image_fetch.h"

namespace ingot::boot {

class ImageCache {
public:
    // `policy` says which hrefs may be read, and how much of them.
    ImageCache(std::string dir, std::uint64_t max_bytes, FetchPolicy policy = {});

    // The master copy of `href`, fetched when missing or changed. Throws
    // ImageFetchError, or FileSourceRefused for a local file the policy
    // does not allow (checked again at every call: the policy or the file
    // may have changed since validation).
    std::string master(const std::string& href);
    // Makes `dest` a hard link to the master of `href` (a copy when `dest`
    // is on another filesystem), replacing what was there.
    void stage(const std::string& href, const std::string& dest);
    // Adds a file made here (a built ISO) under its content; returns the
    // master path. `file` is moved into the cache.
    std::string adopt(const std::string& file);
    // Removes unused masters, oldest use first, until the cache fits.
    void evict();

    const std::string& dir() const { return dir_; }
    const FetchPolicy& policy() const { return policy_; }

private:
    std::mutex& lock_for(const std::string& href);
    std::string index_path(const std::string& href) const;

    std::string dir_;
    std::uint64_t max_bytes_;
    FetchPolicy policy_;
    std::mutex locks_mutex_;
    std::map<std::string, std::unique_ptr<std::mutex>> href_locks_;  // one fetch per href at a time
    std::mutex evict_mutex_;
};

}  // namespace ingot::boot
