// Tar images as the agent unpacks them (ramdisk-agent/image/tar_extract.h):
// the input is the image file, served over HTTP by a local server, and
// extract_tar() downloads, decompresses (gzip, xz, zstd: detected) and
// extracts it with the real safety checks into a directory of its own.
//
// Invariants: a bad archive is a typed error (ImageFormatError,
// TargetError, ...), never a crash; nothing is written outside the
// extraction root: next to the root lies a directory with a canary file,
// which must stay exactly as it was, and nothing else may appear there.
//
// As root, each input gets a fresh tmpfs (nodev, nosuid) at the root in a
// private mount namespace: the archive may create device nodes and set
// owners, modes, attributes and immutable flags, and none of it can touch
// the host; unmounting clears it all. Otherwise entries are removed.
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "fuzz/support/fuzz_support.h"
#include "ramdisk-agent/image/tar_extract.h"

using namespace ingot;
namespace fs = std::filesystem;
namespace image = ingot::agent::image;

namespace {

constexpr const char* kCanary = "what the archive must not change\n";

struct Place {
    fuzz::TempDir base{"ingot-fuzz-tar"};
    std::string root = base.path() + "/root";
    std::string outside = base.path() + "/outside";
    bool own_mounts = ::geteuid() == 0;
};

Place* g_place = nullptr;

void write_canary(const Place& p) {
    fs::create_directories(p.outside);
    std::ofstream(p.outside + "/canary") << kCanary;
    ::chmod((p.outside + "/canary").c_str(), 0644);
}

void prepare_root(const Place& p) {
    fs::create_directories(p.root);
    if (!p.own_mounts) return;
    if (::mount("ingot-fuzz", p.root.c_str(), "tmpfs", MS_NODEV | MS_NOSUID, "size=64m,mode=0755") != 0)
        fuzz::fail("cannot mount a tmpfs at " + p.root);
}

void clear_root(const Place& p) {
    if (p.own_mounts) {
        if (::umount2(p.root.c_str(), MNT_DETACH) != 0) fuzz::fail("cannot unmount " + p.root);
        return;
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(p.root, ec)) fs::remove_all(entry.path(), ec);
}

void check_outside(const Place& p) {
    for (const auto& entry : fs::directory_iterator(p.base.path())) {
        const std::string name = entry.path().filename();
        fuzz::check(name == "root" || name == "outside", "the archive wrote next to its root: " + name);
    }
    for (const auto& entry : fs::directory_iterator(p.outside))
        fuzz::check(entry.path().filename() == "canary",
                    "the archive wrote outside its root: " + entry.path().string());
    struct stat st {};
    fuzz::check(::lstat((p.outside + "/canary").c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                    (st.st_mode & 07777) == 0644 && st.st_nlink == 1,
                "the canary outside the root was replaced, linked or changed mode");
    std::ifstream in(p.outside + "/canary");
    std::stringstream text;
    text << in.rdbuf();
    fuzz::check(text.str() == kCanary, "the canary outside the root was written");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    if (::geteuid() == 0) {
        // Our mounts stay in this process: a private namespace, nothing propagated.
        if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            fuzz::fail("running as root, yet no private mount namespace: refusing to extract archives");
    }
    g_place = new Place();
    write_canary(*g_place);
    std::atexit([] { delete g_place; });  // libFuzzer ends a run with exit()
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz::AnsweringServer server;
    const std::string file(reinterpret_cast<const char*>(data), size);
    server.set_answer([&file](const http::Request&) { return http::Response{200, file, {}, {}, {}}; });
    const Place& p = *g_place;
    prepare_root(p);
    image::ImageSource source;
    source.url = server.base_url() + "/image.tar";
    image::DownloadOptions options;
    options.max_attempts = 1;
    options.retry_delay = std::chrono::milliseconds(0);
    try {
        image::extract_tar(source, p.root, options);
    } catch (const Error&) {
    } catch (const std::exception& e) {
        fuzz::fail(std::string("extract_tar threw an untyped error: ") + e.what());
    }
    check_outside(p);
    clear_root(p);
    server.set_answer(nullptr);
    server.take_requests();
    return 0;
}
