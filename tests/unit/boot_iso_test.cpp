// Boot ISOs built for real with grub-mkrescue from small dummy kernel and
// initrd files: both El Torito boot images (BIOS and UEFI), the grub.cfg
// with the kernel command line, the cache that keeps one ISO per inputs,
// and failures that say what grub-mkrescue said.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "boot/boot_iso.h"
#include "boot/image_cache.h"
#include "common/process.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using namespace ingot::boot;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& text, bool executable = false) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    if (executable) ::chmod(path.c_str(), 0755);
}

// A file from the ISO, read with xorriso (what grub-mkrescue itself uses).
std::string file_in_iso(const std::string& iso, const std::string& inside, const std::string& scratch) {
    std::error_code ec;
    fs::remove(scratch, ec);
    auto r = run_process({"xorriso", "-osirrox", "on", "-indev", iso, "-extract", inside, scratch});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_file(scratch);
}

size_t count_entries(const std::string& dir, const std::string& prefix = "") {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
    return n;
}

class BootIsoTest : public ::testing::Test {
protected:
    void SetUp() override {
        // Not a real kernel: grub-mkrescue does not look inside.
        write_file(path("vmlinuz"), "dummy kernel " + std::string(64 << 10, 'k'));
        write_file(path("initrd"), "dummy initrd " + std::string(128 << 10, 'i'));
    }

    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
    std::string href(const std::string& name) const { return "file://" + path(name); }
    std::string cache_dir() const { return path("master"); }

    test::TempDir dir_;
    std::shared_ptr<ImageCache> cache_ =
        std::make_shared<ImageCache>(dir_.path() + "/master", 1ull << 30, ingot::boot::FetchPolicy{{{dir_.path()}}});
};

TEST_F(BootIsoTest, BootsBiosAndUefiWithTheKernelCommandLine) {
    BootIsoBuilder builder(cache_);
    const std::string params = "console=ttyS0,115200n8  ipa-api-url=http://10.0.2.2:6385 odd=\"a;b c\" $x";
    const BootIso iso = builder.get(href("vmlinuz"), href("initrd"), params, "node-1");
    EXPECT_TRUE(iso.built);
    EXPECT_EQ(fs::path(iso.path).parent_path(), fs::path(cache_dir()));  // a master of the image cache
    EXPECT_EQ(read_file(iso.path).substr(0x8001, 5), "CD001");           // ISO 9660

    auto report = run_process({"xorriso", "-indev", iso.path, "-report_el_torito", "plain"});
    ASSERT_EQ(report.exit_code, 0) << report.err;
    EXPECT_NE(report.out.find("El Torito boot img :   1  BIOS"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("El Torito boot img :   2  UEFI"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("/boot/grub/i386-pc/eltorito.img"), std::string::npos) << report.out;

    const std::string cfg = file_in_iso(iso.path, "/boot/grub/grub.cfg", path("grub.cfg"));
    // Words GRUB would misread are quoted for GRUB; the kernel's own
    // quotes group an argument (GRUB double-quotes it again when it runs).
    EXPECT_NE(cfg.find("linux /vmlinuz console=ttyS0,115200n8 ipa-api-url=http://10.0.2.2:6385 'odd=a;b c' '$x'\n"),
              std::string::npos)
        << cfg;
    EXPECT_NE(cfg.find("initrd /initrd\n"), std::string::npos) << cfg;
    EXPECT_NE(cfg.find("set timeout=1\n"), std::string::npos) << cfg;
    EXPECT_NE(cfg.find("terminal_output serial console\n"), std::string::npos) << cfg;
    EXPECT_EQ(file_in_iso(iso.path, "/vmlinuz", path("k")), read_file(path("vmlinuz")));
    EXPECT_EQ(file_in_iso(iso.path, "/initrd", path("i")), read_file(path("initrd")));
    EXPECT_EQ(count_entries(cache_dir(), "iso-build."), 0u);  // the build directory is gone
}

TEST_F(BootIsoTest, TheSameInputsReuseTheIsoAndOthersBuildAnother) {
    BootIsoBuilder builder(cache_);
    const BootIso first = builder.get(href("vmlinuz"), href("initrd"), "console=ttyS0");
    ASSERT_TRUE(first.built);
    struct stat before {};
    ASSERT_EQ(::stat(first.path.c_str(), &before), 0);

    // Same inputs, another builder (a restarted conductor): the same file.
    BootIsoBuilder again(cache_);
    const BootIso reused = again.get(href("vmlinuz"), href("initrd"), "console=ttyS0");
    EXPECT_FALSE(reused.built);
    EXPECT_EQ(reused.path, first.path);
    struct stat after {};
    ASSERT_EQ(::stat(reused.path.c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino);  // not rebuilt and adopted again

    // Other params: another ISO. Another kernel (same href, new content): another.
    const BootIso other = builder.get(href("vmlinuz"), href("initrd"), "console=ttyS1");
    EXPECT_TRUE(other.built);
    EXPECT_NE(other.path, first.path);
    write_file(path("vmlinuz"), "a newer dummy kernel");
    const BootIso newer = builder.get(href("vmlinuz"), href("initrd"), "console=ttyS0");
    EXPECT_TRUE(newer.built);
    EXPECT_NE(newer.path, first.path);
    EXPECT_EQ(count_entries(cache_dir() + "/iso-index"), 3u);

    // An evicted ISO is built again.
    fs::remove(newer.path);
    const BootIso rebuilt = builder.get(href("vmlinuz"), href("initrd"), "console=ttyS0");
    EXPECT_TRUE(rebuilt.built);
    EXPECT_TRUE(fs::exists(rebuilt.path));
}

TEST_F(BootIsoTest, AnIsoWithASecretIsBuiltForItsDestinationAloneMode0600) {
    BootIsoBuilder builder(cache_);
    const std::string dest = path("http/redfish/node-1-secret.iso");
    builder.build_private(href("vmlinuz"), href("initrd"), "console=ttyS0 ipa-agent-token=s3cr3t", "CPIO", dest,
                          "node-1");
    EXPECT_EQ(fs::status(dest).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    const std::string cfg = file_in_iso(dest, "/boot/grub/grub.cfg", path("grub.cfg"));
    EXPECT_NE(cfg.find("linux /vmlinuz console=ttyS0 ipa-agent-token=s3cr3t\n"), std::string::npos) << cfg;
    EXPECT_NE(cfg.find("initrd /initrd /extra.cpio\n"), std::string::npos) << cfg;
    EXPECT_EQ(file_in_iso(dest, "/extra.cpio", path("x")), "CPIO");
    // Nothing of it in the cache: no master ISO, no index, no build left.
    EXPECT_EQ(count_entries(cache_dir() + "/iso-index"), 0u);
    EXPECT_EQ(count_entries(cache_dir(), "iso-build."), 0u);
    size_t masters = 0;
    for (const auto& e : fs::directory_iterator(cache_dir()))
        if (e.is_regular_file()) ++masters;
    EXPECT_EQ(masters, 2u) << "kernel and ramdisk only";
    // Each call builds again.
    builder.build_private(href("vmlinuz"), href("initrd"), "console=ttyS0 ipa-agent-token=other", "", dest, "node-1");
    EXPECT_NE(file_in_iso(dest, "/boot/grub/grub.cfg", path("grub.cfg")).find("ipa-agent-token=other"),
              std::string::npos);
}

TEST_F(BootIsoTest, AGrubMkrescueFailureReportsTheEndOfItsErrorOutput) {
    // A stand-in that fails as grub-mkrescue does: many lines, the reason last.
    write_file(path("failing-mkrescue"),
               "#!/bin/sh\n"
               "for i in $(seq -w 1 30); do echo \"stderr line $i\" >&2; done\n"
               "echo 'grub-mkrescue: error: `xorriso` invocation failed' >&2\n"
               "exit 3\n",
               true);
    BootIsoOptions o;
    o.grub_mkrescue = path("failing-mkrescue");
    BootIsoBuilder builder(cache_, o);
    try {
        builder.get(href("vmlinuz"), href("initrd"), "console=ttyS0", "node-7");
        FAIL() << "no error";
    } catch (const BootIsoError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("failing-mkrescue exited with status 3 building the boot ISO of node node-7: "),
                  std::string::npos)
            << m;
        EXPECT_NE(m.find("stderr line 20\n"), std::string::npos) << m;
        EXPECT_NE(m.find("grub-mkrescue: error: `xorriso` invocation failed"), std::string::npos) << m;
        EXPECT_EQ(m.find("stderr line 19"), std::string::npos) << "not only the tail: " << m;
    }
    // Nothing half-made stays behind, and nothing is remembered.
    EXPECT_EQ(count_entries(cache_dir(), "iso-build."), 0u);
    EXPECT_EQ(count_entries(cache_dir() + "/iso-index"), 0u);

    // A missing kernel: the fetch error names the href.
    BootIsoBuilder real(cache_);
    try {
        real.get("file://" + path("nothing"), href("initrd"), "");
        FAIL() << "no error";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(path("nothing")), std::string::npos) << e.what();
    }
}

TEST_F(BootIsoTest, AnIsoWithoutAUefiImageIsRefused) {
    // The real grub-mkrescue, limited to the BIOS platform as on a host
    // without grub-efi-amd64-bin.
    write_file(path("bios-only-mkrescue"), "#!/bin/sh\nexec grub-mkrescue -d /usr/lib/grub/i386-pc \"$@\"\n", true);
    BootIsoOptions o;
    o.grub_mkrescue = path("bios-only-mkrescue");
    BootIsoBuilder builder(cache_, o);
    try {
        builder.get(href("vmlinuz"), href("initrd"), "console=ttyS0");
        FAIL() << "no error";
    } catch (const BootIsoError& e) {
        EXPECT_NE(std::string(e.what()).find("made an ISO with no UEFI boot image: install grub-pc-bin (BIOS), "
                                             "grub-efi-amd64-bin and mtools (UEFI)"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(count_entries(cache_dir() + "/iso-index"), 0u);
}

TEST_F(BootIsoTest, AHangingBuildIsStoppedAtTheTimeout) {
    write_file(path("hanging-mkrescue"), "#!/bin/sh\nsleep 30\n", true);
    BootIsoOptions o;
    o.grub_mkrescue = path("hanging-mkrescue");
    o.timeout = std::chrono::seconds(1);
    BootIsoBuilder builder(cache_, o);
    const auto started = std::chrono::steady_clock::now();
    try {
        builder.get(href("vmlinuz"), href("initrd"), "");
        FAIL() << "no error";
    } catch (const BootIsoError& e) {
        EXPECT_NE(std::string(e.what()).find("hanging-mkrescue did not finish within 1 s"), std::string::npos)
            << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

}  // namespace
