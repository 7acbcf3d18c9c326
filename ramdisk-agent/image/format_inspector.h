// Our own reading of an image's header, before qemu-img (or the disk) sees
// it: which format the bytes are, whatever the image's disk_format says,
// and for qcow2 whether it is safe to convert. A qcow2 file may name a
// backing file or an external data file that qemu-img would open and copy
// onto the disk (any file of the machine converting it: CVE-2024-44082 is
// Ironic's instance of that bug), so those are refused here, from the
// header, and qemu-img is never left to probe a format.
//
// Formats recognised (what detect_format returns):
//   qcow2, qcow (version 1), qed, vmdk, vhd, vhdx, vdi, luks   containers
//   iso, gpt, mbr, raw                                          raw bytes
// The raw family is written as it is; containers other than qcow2 are
// never written (the agent converts only qcow2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ramdisk-agent/image/errors.h"

namespace ingot::agent::image {

// The image is refused for what it is, not for a transfer or disk problem.
class UnsafeImage : public ImageFormatError {
public:
    using ImageFormatError::ImageFormatError;
};

// Bytes detect_format needs to tell every format apart (an ISO9660 volume
// descriptor sits at 32 KiB); fewer are enough for a shorter image.
constexpr std::size_t kInspectBytes = 64 * 1024;

// The format of an image starting with `head` (its first kInspectBytes
// bytes, or all of it when shorter).
std::string detect_format(std::string_view head);

// Whether `format` is written byte for byte (raw, iso, gpt, mbr).
bool is_raw_family(const std::string& format);

// What the agent's lookup config says about images (IPA's keys:
// agent_md5_checksum_enable, disable_deep_image_inspection,
// permitted_image_formats).
struct ImagePolicy {
    bool allow_md5 = false;
    // Off: an image whose content does not match its disk_format is written
    // anyway. Backing and data files are refused whatever this says.
    bool inspect = true;
    std::vector<std::string> permitted_formats = {"raw", "qcow2", "iso"};
};

// Throws UnsafeImage when the content (`detected`) may not be written as
// `declared` ("raw" or "qcow2"): a mismatch (unless !policy.inspect) or a
// format the policy does not permit. `source` names the image in messages.
void check_format(const std::string& declared, const std::string& detected, const ImagePolicy& policy,
                  const std::string& source);

struct Qcow2Header {
    std::uint32_t version = 0;
    std::uint64_t virtual_size = 0;
    std::uint32_t cluster_bits = 0;
};

// Reads and checks the qcow2 header of `file`: version 2 or 3, sane
// cluster size, no backing file, no external data file (the incompatible
// feature bit or the header extension), no encryption, no incompatible
// feature this reader does not know. Throws UnsafeImage naming the reason,
// ImageFormatError when the file is not a readable qcow2. `source` names
// the image in messages (default: the file).
Qcow2Header inspect_qcow2(const std::string& file, const std::string& source = "");

// The same on the first bytes of a qcow2 image (the header and its
// extensions lie within the first cluster); for tests and streams.
Qcow2Header inspect_qcow2_header(std::string_view head, const std::string& source);

}  // namespace ingot::agent::image
