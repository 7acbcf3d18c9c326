// The agent's own reading of an image's first bytes (format_inspector.h),
// which decides whether qemu-img ever sees the image: detect_format() on
// any bytes, inspect_qcow2_header() on those that claim to be qcow2, and
// check_format() against what the image's disk_format declared.
//
// Invariants: the detected format is one of the documented names; a qcow2
// header that passes has version 2 or 3, a sane cluster size, no backing
// file, no external data file bit; only the typed image errors are thrown;
// check_format() lets through only contents of the declared family.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/support/fuzz_support.h"
#include "ramdisk-agent/image/format_inspector.h"

using namespace ingot;
namespace image = ingot::agent::image;

namespace {

std::uint64_t be(std::string_view b, std::size_t offset, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[offset + i]);
    return v;
}

void check_qcow2(std::string_view head, const std::string& format) {
    image::Qcow2Header h;
    try {
        h = image::inspect_qcow2_header(head, "fuzz-image");
    } catch (const image::ImageFormatError&) {
        return;  // UnsafeImage is one too
    } catch (const std::exception& e) {
        fuzz::fail(std::string("inspect_qcow2_header threw an untyped error: ") + e.what());
    }
    fuzz::check(format == "qcow2", "a " + format + " image passed as qcow2");
    fuzz::check(h.version == 2 || h.version == 3, "qcow2 version " + std::to_string(h.version) + " passed");
    fuzz::check(h.cluster_bits >= 9 && h.cluster_bits <= 21, "cluster_bits " + std::to_string(h.cluster_bits));
    fuzz::check(be(head, 8, 8) == 0, "a qcow2 image with a backing file passed");
    if (h.version == 3) {
        fuzz::check(head.size() >= 104, "a truncated version 3 header passed");
        fuzz::check((be(head, 72, 8) & 4) == 0, "a qcow2 image with an external data file passed");
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view head(reinterpret_cast<const char*>(data), size);
    static const std::array<std::string, 12> known = {"qcow2", "qcow", "qed", "vmdk", "vhd", "vhdx",
                                                      "vdi",   "luks", "iso", "gpt",  "mbr", "raw"};
    const std::string format = image::detect_format(head);
    fuzz::check(std::find(known.begin(), known.end(), format) != known.end(), "detect_format answered " + format);
    check_qcow2(head, format);
    image::ImagePolicy policy;
    for (const char* declared : {"raw", "qcow2"}) {
        try {
            image::check_format(declared, format, policy, "fuzz-image");
        } catch (const image::UnsafeImage&) {
            continue;
        }
        const bool same_family = std::string(declared) == "qcow2" ? format == "qcow2" : image::is_raw_family(format);
        fuzz::check(same_family, std::string("a ") + format + " image passed as " + declared);
    }
    return 0;
}
