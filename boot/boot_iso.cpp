#include "boot/boot_iso.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "boot/boot_quoting.h"
#include "boot/image_cache.h"
#include "boot/image_fetch.h"
#include "common/log.h"
#include "common/process.h"
#include "common/strings.h"

namespace ingot::boot {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Bumped when the ISO's layout or grub.cfg changes, so that ISOs built by
// an older conductor are not reused.
constexpr const char* kLayoutVersion = "ingot-boot-iso-1";

// The last lines of a program's error output: enough to say why, short
// enough for a node's last_error.
std::string tail(const std::string& text, size_t max_lines = 12, size_t max_chars = 2000) {
    std::vector<std::string> lines;
    for (const auto& line : split(text, '\n'))
        if (!trim(line).empty()) lines.push_back(trim(line));
    if (lines.size() > max_lines) lines.erase(lines.begin(), lines.end() - static_cast<long>(max_lines));
    std::string out = join(lines, "\n");
    if (out.size() > max_chars) out = "..." + out.substr(out.size() - max_chars);
    return out.empty() ? "(no error output)" : out;
}

// A temporary directory inside the cache (so the ISO is renamed into the
// cache, not copied), removed with everything in it.
class BuildDir {
public:
    explicit BuildDir(const std::string& parent) {
        std::string pattern = parent + "/iso-build.XXXXXX";
        if (!::mkdtemp(pattern.data())) throw BootIsoError("Cannot create a build directory in " + parent);
        path_ = pattern;
    }
    ~BuildDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw BootIsoError("Cannot write " + path);
}

std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string run_summary(const ProcessResult& r, std::chrono::milliseconds timeout) {
    if (r.timed_out) return "did not finish within " + std::to_string(timeout.count() / 1000) + " s";
    return "exited with status " + std::to_string(r.exit_code);
}

}  // namespace

std::string boot_iso_grub_config(const std::string& kernel_params, bool extra_initrd) {
    // Split as the kernel splits it, so that the words GRUB hands on are
    // the arguments the kernel would have read.
    const auto args = split_kernel_command_line(kernel_params);
    check_command_line_length(grub_command_line_bytes("/vmlinuz", args), "the boot ISO");
    const std::string linux_line = "linux /vmlinuz " + grub_kernel_args(args);
    // A short timeout rather than none: an operator on the serial console
    // can still stop at the menu. GRUB talks to the first serial port and
    // the screen, so either console shows what it does.
    std::string cfg = "# Written by Ingot: boots the agent ramdisk of this ISO.\n";
    cfg += "set default=0\n";
    cfg += "set timeout=1\n";
    cfg += "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1\n";
    cfg += "terminal_input serial console\n";
    cfg += "terminal_output serial console\n";
    cfg += "menuentry \"Ingot agent ramdisk\" {\n";
    cfg += "    " + linux_line + "\n";
    cfg += extra_initrd ? "    initrd /initrd /extra.cpio\n" : "    initrd /initrd\n";
    cfg += "}\n";
    return cfg;
}

void hard_link_file(const std::string& source, const std::string& dest) {
    fs::create_directories(fs::path(dest).parent_path());
    std::error_code ec;
    fs::remove(dest, ec);
    fs::create_hard_link(source, dest, ec);
    if (ec) fs::copy_file(source, dest, fs::copy_options::overwrite_existing);  // another filesystem
}

BootIsoBuilder::BootIsoBuilder(std::shared_ptr<ImageCache> cache, BootIsoOptions options)
    : cache_(std::move(cache)), options_(std::move(options)) {}

std::mutex& BootIsoBuilder::lock_for(const std::string& key) {
    std::lock_guard<std::mutex> g(locks_mutex_);
    auto& m = key_locks_[key];
    if (!m) m = std::make_unique<std::mutex>();
    return *m;
}

BootIso BootIsoBuilder::get(const std::string& kernel_href, const std::string& ramdisk_href,
                            const std::string& kernel_params, const std::string& node,
                            const std::string& extra_initrd) {
    if (!cache_) throw BootIsoError("Boot ISOs need the conductor's image cache ([pxe] image_cache_dir)");
    boot_iso_grub_config(kernel_params);  // a command line GRUB cannot carry fails before any download
    const std::string kernel = cache_->master(kernel_href);
    const std::string ramdisk = cache_->master(ramdisk_href);
    std::string key_text = std::string(kLayoutVersion) + "\n" + fs::path(kernel).filename().string() + "\n" +
                           fs::path(ramdisk).filename().string() + "\n" + kernel_params;
    if (!extra_initrd.empty()) key_text += "\nextra " + sha256_hex(extra_initrd);
    const std::string key = sha256_hex(key_text);
    std::lock_guard<std::mutex> g(lock_for(key));
    const std::string index_dir = cache_->dir() + "/iso-index";
    const std::string index = index_dir + "/" + key;
    const std::string sha = read_first_line(index);
    if (is_sha256(sha) && fs::exists(cache_->dir() + "/" + sha)) {
        const std::string path = cache_->dir() + "/" + sha;
        std::error_code ec;
        fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used: evicted last
        return {path, false};
    }
    BuildDir dir(cache_->dir());
    const std::string path = cache_->adopt(build(dir.path(), kernel, ramdisk, kernel_params, extra_initrd, node));
    fs::create_directories(index_dir);
    const std::string tmp = index + ".tmp." + std::to_string(::getpid());
    write_text(tmp, fs::path(path).filename().string() + "\n");
    fs::rename(tmp, index);
    return {path, true};
}

void BootIsoBuilder::build_private(const std::string& kernel_href, const std::string& ramdisk_href,
                                   const std::string& kernel_params, const std::string& extra_initrd,
                                   const std::string& dest, const std::string& node) {
    if (!cache_) throw BootIsoError("Boot ISOs need the conductor's image cache ([pxe] image_cache_dir)");
    const std::string kernel = cache_->master(kernel_href);
    const std::string ramdisk = cache_->master(ramdisk_href);
    // Built in a 0700 directory of the cache (never served), then moved.
    BuildDir dir(cache_->dir());
    const std::string iso = build(dir.path(), kernel, ramdisk, kernel_params, extra_initrd, node);
    fs::permissions(iso, fs::perms::owner_read | fs::perms::owner_write);
    fs::create_directories(fs::path(dest).parent_path());
    std::error_code ec;
    fs::rename(iso, dest, ec);
    if (!ec) return;
    // Another filesystem: a 0600 copy next to `dest`, then the rename.
    const std::string tmp = dest + ".tmp." + std::to_string(::getpid());
    fs::copy_file(iso, tmp, fs::copy_options::overwrite_existing);
    fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write);
    fs::rename(tmp, dest);
}

std::string BootIsoBuilder::build(const std::string& dir, const std::string& kernel, const std::string& ramdisk,
                                  const std::string& kernel_params, const std::string& extra_initrd,
                                  const std::string& node) {
    const auto started = Clock::now();
    log::info("boot_iso.build_start", {{"node", node}});
    const std::string tree = dir + "/tree";
    fs::create_directories(tree + "/boot/grub");
    // Links, not copies: a ramdisk may be hundreds of MB.
    hard_link_file(kernel, tree + "/vmlinuz");
    hard_link_file(ramdisk, tree + "/initrd");
    if (!extra_initrd.empty()) write_text(tree + "/extra.cpio", extra_initrd);
    write_text(tree + "/boot/grub/grub.cfg", boot_iso_grub_config(kernel_params, !extra_initrd.empty()));

    const std::string iso = dir + "/boot.iso";
    ProcessOptions o;
    o.timeout = options_.timeout;
    // grub-mkrescue stages its files under TMPDIR: keep them with ours.
    o.extra_env = {{"TMPDIR", dir}};
    // No fonts, locales or themes (a text menu needs none): half the size.
    const ProcessResult r = run_process({options_.grub_mkrescue, "--xorriso=" + options_.xorriso,
                                         "--fonts=", "--locales=", "--themes=", "-o", iso, tree},
                                        o);
    if (r.exit_code != 0 || r.timed_out)
        throw BootIsoError(options_.grub_mkrescue + " " + run_summary(r, options_.timeout) + " building the boot ISO" +
                           (node.empty() ? "" : " of node " + node) + ": " + tail(r.err + "\n" + r.out));
    check_boot_modes(iso);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    log::info("boot_iso.built",
              {{"node", node}, {"bytes", std::to_string(fs::file_size(iso))}, {"ms", std::to_string(ms.count())}});
    return iso;
}

void BootIsoBuilder::check_boot_modes(const std::string& iso) {
    // grub-mkrescue makes an image for each GRUB platform installed and
    // succeeds with one: a host without grub-efi-amd64-bin (or mtools)
    // would make ISOs that UEFI machines cannot boot.
    ProcessOptions o;
    o.timeout = options_.timeout;
    const ProcessResult r = run_process({options_.xorriso, "-indev", iso, "-report_el_torito", "plain"}, o);
    if (r.exit_code != 0 || r.timed_out)
        throw BootIsoError(options_.xorriso + " " + run_summary(r, options_.timeout) +
                           " reading the boot records of the ISO it built: " + tail(r.err));
    bool bios = false, uefi = false;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        if (!starts_with(line, "El Torito boot img")) continue;
        bios = bios || line.find(" BIOS ") != std::string::npos;
        uefi = uefi || line.find(" UEFI ") != std::string::npos;
    }
    if (bios && uefi) return;
    std::string missing = !bios && !uefi ? "neither a BIOS nor a UEFI" : !bios ? "no BIOS" : "no UEFI";
    throw BootIsoError(options_.grub_mkrescue + " made an ISO with " + missing +
                       " boot image: install grub-pc-bin (BIOS), grub-efi-amd64-bin and mtools (UEFI) on the "
                       "conductor host");
}

}  // namespace ingot::boot
