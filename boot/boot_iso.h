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
//
// An ISO whose command line holds a secret (the agent token of a virtual
// media boot) is never cached: build_private() builds it for one node and
// writes it where the caller says, mode 0600.
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
    // `extra_initrd` (bytes, may be empty) is loaded after the ramdisk
    // (the API's CA, ca_initrd.h).
    BootIso get(const std::string& kernel_href, const std::string& ramdisk_href, const std::string& kernel_params,
                const std::string& node = "", const std::string& extra_initrd = "");

    // Builds the ISO now, without the cache, and moves it to `dest` with
    // mode 0600 (through a rename: a BMC never reads half of it). For
    // command lines that hold a secret. Throws as get().
    void build_private(const std::string& kernel_href, const std::string& ramdisk_href,
                       const std::string& kernel_params, const std::string& extra_initrd, const std::string& dest,
                       const std::string& node);

private:
    std::mutex& lock_for(const std::string& key);
    // Builds in `dir` (inside the cache's directory); returns the ISO's path.
    std::string build(const std::string& dir, const std::string& kernel, const std::string& ramdisk,
                      const std::string& kernel_params, const std::string& extra_initrd, const std::string& node);
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
// for GRUB by boot_quoting.h) and /initrd (then /extra.cpio with
// `extra_initrd`) at once, on the serial console and the screen. Throws
// InvalidParameter for what GRUB cannot carry.
std::string boot_iso_grub_config(const std::string& kernel_params, bool extra_initrd = false);

}  // namespace ingot::boot
