#include "ramdisk-agent/image/format_inspector.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/strings.h"

namespace ingot::agent::image {
namespace {

// The qcow2 layout (QEMU's docs/interop/qcow2.txt); integers big-endian.
constexpr std::size_t kQcowV2HeaderBytes = 72;
constexpr std::size_t kQcowV3HeaderBytes = 104;
constexpr std::uint64_t kIncompatDirty = 1ull << 0;
constexpr std::uint64_t kIncompatDataFile = 1ull << 2;
constexpr std::uint64_t kIncompatCompression = 1ull << 3;
constexpr std::uint64_t kIncompatExtendedL2 = 1ull << 4;
constexpr std::uint64_t kAutoclearRawData = 1ull << 1;
constexpr std::uint32_t kExtEnd = 0;
constexpr std::uint32_t kExtDataFile = 0x44415441;  // "DATA"
constexpr std::uint32_t kExtEncryption = 0x0537be77;
constexpr std::uint32_t kMaxClusterBits = 21;  // 2 MiB, QEMU's maximum

bool has_at(std::string_view head, std::size_t offset, std::string_view magic) {
    return head.size() >= offset + magic.size() && head.substr(offset, magic.size()) == magic;
}

std::uint64_t be(std::string_view b, std::size_t offset, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b[offset + i]);
    return v;
}

std::uint32_t le32(std::string_view b, std::size_t offset) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[offset + i]);
    return v;
}

// A name stored in the header, cut short and without control bytes, for
// the message only.
std::string printable(std::string_view head, std::uint64_t offset, std::uint64_t size) {
    if (offset >= head.size()) return "(beyond the header read)";
    std::string out;
    for (char c : head.substr(offset, std::min<std::uint64_t>(size, 256)))
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    return out;
}

[[noreturn]] void unsafe(const std::string& source, const std::string& why) {
    throw UnsafeImage("image " + source + " is refused: " + why);
}

// Refuses what the feature bits of a version 3 header ask for.
void check_features(std::string_view head, const std::string& source) {
    const std::uint64_t incompatible = be(head, 72, 8);
    const std::uint64_t autoclear = be(head, 88, 8);
    if (incompatible & kIncompatDataFile)
        unsafe(source,
               "its qcow2 header says its data lives in an external data file, which qemu-img would read "
               "from the machine converting it");
    if (autoclear & kAutoclearRawData) unsafe(source, "its qcow2 header has the raw external data bit set");
    const std::uint64_t known = kIncompatDirty | kIncompatCompression | kIncompatExtendedL2;
    if (incompatible & ~known) {
        char bits[20];
        std::snprintf(bits, sizeof bits, "0x%llx", static_cast<unsigned long long>(incompatible & ~known));
        unsafe(source, std::string("its qcow2 header has incompatible feature bits this agent does not know (") + bits +
                           "; bit 1 means corrupt)");
    }
}

// Walks the header extensions; refuses a data file name or encryption.
void check_extensions(std::string_view head, std::size_t offset, std::size_t end, const std::string& source) {
    while (true) {
        if (offset + 8 > end)
            throw ImageFormatError("image " + source +
                                   ": its qcow2 header extensions run past "
                                   "its first cluster");
        const auto type = static_cast<std::uint32_t>(be(head, offset, 4));
        const std::uint64_t length = be(head, offset + 4, 4);
        if (type == kExtEnd) return;
        if (type == kExtDataFile)
            unsafe(source, "its qcow2 header names an external data file (" + printable(head, offset + 8, length) +
                               "), which qemu-img would read");
        if (type == kExtEncryption) unsafe(source, "it is an encrypted qcow2 image");
        offset += 8 + ((length + 7) & ~std::uint64_t(7));
    }
}

}  // namespace

std::string detect_format(std::string_view head) {
    if (has_at(head, 0, "QFI\xfb")) return head.size() >= 8 && be(head, 4, 4) == 1 ? "qcow" : "qcow2";
    if (has_at(head, 0, std::string_view("QED\0", 4))) return "qed";
    if (has_at(head, 0, "KDMV") || has_at(head, 0, "COWD") || has_at(head, 0, "# Disk DescriptorFile")) return "vmdk";
    if (has_at(head, 0, "conectix")) return "vhd";
    if (has_at(head, 0, "vhdxfile")) return "vhdx";
    if (head.size() >= 0x44 && le32(head, 0x40) == 0xbeda107f) return "vdi";
    if (has_at(head, 0, "LUKS\xba\xbe")) return "luks";
    for (std::size_t offset : {0x8001, 0x8801, 0x9001})
        if (has_at(head, offset, "CD001")) return "iso";
    if (has_at(head, 512, "EFI PART") || has_at(head, 4096, "EFI PART")) return "gpt";
    if (has_at(head, 510, "\x55\xaa")) return "mbr";
    return "raw";
}

bool is_raw_family(const std::string& format) {
    return format == "raw" || format == "iso" || format == "gpt" || format == "mbr";
}

void check_format(const std::string& declared, const std::string& detected, const ImagePolicy& policy,
                  const std::string& source) {
    if (!policy.inspect) return;
    const std::string kind = detected == "gpt" || detected == "mbr" ? "raw" : detected;
    const auto& permitted = policy.permitted_formats;
    if (std::find(permitted.begin(), permitted.end(), kind) == permitted.end())
        unsafe(source, "its content is " + detected + ", which is not among the permitted image formats (" +
                           join(permitted, ", ") + "; [conductor] permitted_image_formats)");
    const bool matches = declared == "qcow2" ? detected == "qcow2" : is_raw_family(detected);
    if (!matches)
        unsafe(source, "its disk_format is " + declared + " but its content is " + detected +
                           " ([conductor] disable_deep_image_inspection would let it through)");
}

Qcow2Header inspect_qcow2_header(std::string_view head, const std::string& source) {
    if (!has_at(head, 0, "QFI\xfb")) throw ImageFormatError("image " + source + " is not a qcow2 image");
    if (head.size() < kQcowV2HeaderBytes) throw ImageFormatError("image " + source + ": truncated qcow2 header");
    Qcow2Header h;
    h.version = static_cast<std::uint32_t>(be(head, 4, 4));
    if (h.version != 2 && h.version != 3)
        unsafe(source, "qcow2 version " + std::to_string(h.version) + " is not 2 or 3");
    if (const std::uint64_t backing = be(head, 8, 8); backing != 0)
        unsafe(source, "it has a backing file (" + printable(head, backing, be(head, 16, 4)) +
                           "), which qemu-img would read from the machine converting it");
    h.cluster_bits = static_cast<std::uint32_t>(be(head, 20, 4));
    if (h.cluster_bits < 9 || h.cluster_bits > kMaxClusterBits)
        throw ImageFormatError("image " + source + ": qcow2 cluster_bits " + std::to_string(h.cluster_bits) +
                               " is out of range");
    h.virtual_size = be(head, 24, 8);
    if (be(head, 32, 4) != 0) unsafe(source, "it is an encrypted qcow2 image");
    const std::size_t cluster = std::size_t(1) << h.cluster_bits;
    const std::size_t end = std::min(head.size(), cluster);
    std::size_t header_length = kQcowV2HeaderBytes;
    if (h.version == 3) {
        if (head.size() < kQcowV3HeaderBytes) throw ImageFormatError("image " + source + ": truncated qcow2 header");
        check_features(head, source);
        header_length = static_cast<std::size_t>(be(head, 100, 4));
        if (header_length < kQcowV3HeaderBytes || header_length > end)
            throw ImageFormatError("image " + source + ": qcow2 header_length " + std::to_string(header_length) +
                                   " is out of range");
    }
    check_extensions(head, header_length, end, source);
    return h;
}

Qcow2Header inspect_qcow2(const std::string& file, const std::string& source) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ImageFormatError("cannot open " + file + ": " + std::strerror(errno));
    std::string head(std::size_t(1) << kMaxClusterBits, '\0');
    std::size_t got = 0;
    while (got < head.size()) {
        const ssize_t n = ::pread(fd, head.data() + got, head.size() - got, static_cast<off_t>(got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    head.resize(got);
    return inspect_qcow2_header(head, source.empty() ? file : source);
}

}  // namespace ingot::agent::image
