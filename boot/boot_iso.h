// Bootable ISOs holding a kernel, an initramfs and the kernel command line,
// for machines that boot from (virtual) CD: GRUB for both BIOS (El Torito
// eltorito.img) and UEFI (El Torito efi.img), made by grub-mkrescue
// (grub-common, grub-pc-bin, grub-efi-amd64-bin, xorriso, mtools).
//
// An ISO depends only on its inputs, so it is built once and kept in the
// master image cache like a fetched image:
//
//   CACHE/<sha256 of the ISO>          the ISO (ImageCache::adopt)
//   CACHE/iso-index/<key>              "<sha256 of the ISO>\n", where key =
//                                      sha256(kernel master sha, ramdisk
//                                      master sha, kernel params)
//
// An evicted ISO is simply built again.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/errors.h"

namespace ingot::boot {

class ImageCache;

// grub-mkrescue failed, timed out or made an ISO that lacks a boot mode.
class BootIsoError : public Error {
public:
    using Error::Error;
};

struct BootIsoOptions {
    // The programs, looked up in PATH unless given as paths.
    std::string grub_mkrescue = "grub-mkrescue";
    std::string xorriso = "xorriso";
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};  // each run
};

struct BootIso {
    std::string path;    // the master copy in the image cache; hard-link it, never write it
    bool built = false;  // false: an earlier build was reused
};

class BootIsoBuilder {
public:
    explicit BootIsoBuilder(std::shared_ptr<ImageCache> cache, BootIsoOptions options = {});

    // The ISO booting `kernel_href` with `ramdisk_href` and `kernel_params`,
    // from the cache or built now. Throws ImageFetchError when an href
    // cannot be read, BootIsoError when the build fails, InvalidParameter
    // (before anything is fetched) when GRUB cannot carry the parameters.
    // Safe to call from several threads; `node` only names the caller in
    // logs.
    BootIso get(const std::string& kernel_href, const std::string& ramdisk_href, const std::string& kernel_params,
                const std::string& node = "");

private:
    std::mutex& lock_for(const std::string& key);
    std::string build(const std::string& kernel, const std::string& ramdisk, const std::string& kernel_params,
                      const std::string& node);
    void check_boot_modes(const std::string& iso);

    std::shared_ptr<ImageCache> cache_;
    BootIsoOptions options_;
    std::mutex locks_mutex_;
    std::map<std::string, std::unique_ptr<std::mutex>> key_locks_;  // one build per key at a time
};

// Makes `dest` a hard link to `source` (a copy when `dest` is on another
// filesystem), replacing what was there; creates dest's directory.
void hard_link_file(const std::string& source, const std::string& dest);

// The grub.cfg of the ISO (exposed for tests): boots /vmlinuz with
// `kernel_params` (split as the kernel splits them, each argument quoted
// for GRUB by boot_quoting.h) and /initrd at once, on the serial console
// and the screen. Throws InvalidParameter for what GRUB cannot carry.
std::string boot_iso_grub_config(const std::string& kernel_params);

}  // namespace ingot::boot
