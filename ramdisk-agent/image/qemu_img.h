// The qemu-img calls behind qcow2 images: the virtual size (to refuse an
// image that cannot fit before anything is written) and the conversion to
// raw straight onto the target.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ingot::agent::image {

struct QemuImageInfo {
    std::string format;  // qemu-img's name: "qcow2", "raw", ...
    uint64_t virtual_size = 0;
};

// `qemu-img info --output=json`; the format is forced when `format` is not
// empty (never trust a probe on a downloaded file). Throws ImageFormatError.
QemuImageInfo qemu_img_info(const std::string& file, const std::string& format);

// `qemu-img convert -n -f FORMAT -O raw FILE TARGET`: the target must exist
// (a block device, or a regular file) and is not resized. `direct` bypasses
// the host cache on the target (-t none). Throws ImageFormatError.
void qemu_img_convert(const std::string& file, const std::string& format, const std::string& target, bool direct,
                      std::chrono::milliseconds timeout);

}  // namespace ingot::agent::image
